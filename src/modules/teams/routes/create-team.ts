import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TeamCreate, TeamSchema } from "../schemas";
import { createTeam } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/teams",
  tags: ["Teams"],
  summary: "Create a new team (requires can_create_team permission)",
  description:
    "`parent_team_id` must be a team of this workspace; `lead_member_id` an active member, who is added to the " +
    "team as its lead. The creator is not added automatically. Active team names are unique per parent (409).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(TeamCreate) },
  responses: { 201: json(TeamSchema, "The new team"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createTeam({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCreateTeam = (r: Router) => r.openapi(route, handler);
