import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TeamIdParam, TeamSchema, TeamUpdate } from "../schemas";
import { updateTeam } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/teams/{team_id}",
  tags: ["Teams"],
  summary: "Update a team",
  description:
    "Needs can_edit_team, or can_edit_own_team as a lead of the team. Only the fields sent change. A new " +
    "`parent_team_id` must exist and must not be the team or one of its sub-teams (422).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TeamIdParam, body: jsonBody(TeamUpdate) },
  responses: { 200: json(TeamSchema, "The updated team"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateTeam({ ctx: c.var.ctx, teamId: c.req.valid("param").team_id, input: c.req.valid("json") }), 200);

export const registerUpdateTeam = (r: Router) => r.openapi(route, handler);
