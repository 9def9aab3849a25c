import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TeamIdParam, TeamMemberSchema } from "../schemas";
import { listTeamMembers } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/teams/{team_id}/members",
  tags: ["Teams"],
  summary: "List all members of a team",
  description: "Active workspace members of the team, leads first, then by name.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TeamIdParam },
  responses: { 200: json(z.array(TeamMemberSchema), "The team's members"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listTeamMembers(c.var.ctx, c.req.valid("param").team_id), 200);

export const registerListTeamMembers = (r: Router) => r.openapi(route, handler);
