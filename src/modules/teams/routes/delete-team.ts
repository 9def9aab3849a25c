import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TeamIdParam } from "../schemas";
import { deleteTeam } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/teams/{team_id}",
  tags: ["Teams"],
  summary: "Delete a team (requires can_delete_team permission)",
  description:
    "Removes the team and its memberships. Sub-teams are kept and move up to the deleted team's parent (or the " +
    "top level); if a sub-team's name is already taken there, nothing is deleted (409).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TeamIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteTeam(c.var.ctx, c.req.valid("param").team_id);
  return c.body(null, 204);
};

export const registerDeleteTeam = (r: Router) => r.openapi(route, handler);
