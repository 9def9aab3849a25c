import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TeamIdParam, TeamSchema } from "../schemas";
import { getTeam } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/teams/{team_id}",
  tags: ["Teams"],
  summary: "Get a specific team by ID",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TeamIdParam },
  responses: { 200: json(TeamSchema, "The team"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getTeam(c.var.ctx, c.req.valid("param").team_id), 200);

export const registerGetTeam = (r: Router) => r.openapi(route, handler);
