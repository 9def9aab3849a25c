import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListTeamsQuery, TeamSchema } from "../schemas";
import { listTeams } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/teams",
  tags: ["Teams"],
  summary: "List all teams in the current workspace.",
  description:
    "Ordered by name; `skip`/`limit` paginate (limit at most 200). Needs can_view_team; without it only the " +
    "active teams you belong to are listed.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListTeamsQuery },
  responses: { 200: json(z.array(TeamSchema), "Teams"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listTeams(c.var.ctx, c.req.valid("query")), 200);

export const registerListTeams = (r: Router) => r.openapi(route, handler);
