import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TeamIdParam, TeamMemberAdd, TeamMemberSchema } from "../schemas";
import { addTeamMember } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/teams/{team_id}/members",
  tags: ["Teams"],
  summary: "Add a member to a team",
  description:
    "Needs can_manage_team_members, or being a lead of the team with can_edit_own_team. The member must be an " +
    "active member of the workspace (404 otherwise); adding someone already in the team is a 409.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TeamIdParam, body: jsonBody(TeamMemberAdd) },
  responses: { 201: json(TeamMemberSchema, "The team membership"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await addTeamMember({ ctx: c.var.ctx, teamId: c.req.valid("param").team_id, input: c.req.valid("json") }), 201);

export const registerAddTeamMember = (r: Router) => r.openapi(route, handler);
