import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TeamMemberParams } from "../schemas";
import { removeTeamMember } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/teams/{team_id}/members/{member_id}",
  tags: ["Teams"],
  summary: "Remove a member from a team",
  description:
    "`member_id` is the workspace member's id. Needs can_manage_team_members, or being a lead of the team with " + "can_edit_own_team.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TeamMemberParams },
  responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { team_id, member_id } = c.req.valid("param");
  await removeTeamMember(c.var.ctx, team_id, member_id);
  return c.body(null, 204);
};

export const registerRemoveTeamMember = (r: Router) => r.openapi(route, handler);
