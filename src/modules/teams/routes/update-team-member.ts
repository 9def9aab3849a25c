import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TeamMemberParams, TeamMemberSchema, TeamMemberUpdate } from "../schemas";
import { updateTeamMember } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/teams/{team_id}/members/{member_id}",
  tags: ["Teams"],
  summary: "Update a team member's role",
  description:
    "`member_id` is the workspace member's id. Needs can_manage_team_members, or being a lead of the team with " +
    "can_edit_own_team. When the primary lead is demoted, the longest-standing remaining lead takes over.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TeamMemberParams, body: jsonBody(TeamMemberUpdate) },
  responses: { 200: json(TeamMemberSchema, "The team membership"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { team_id, member_id } = c.req.valid("param");
  return c.json(await updateTeamMember({ ctx: c.var.ctx, teamId: team_id, memberId: member_id, input: c.req.valid("json") }), 200);
};

export const registerUpdateTeamMember = (r: Router) => r.openapi(route, handler);
