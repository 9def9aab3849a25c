import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GoalSchema, ListGoalsQuery } from "../schemas";
import { listGoals } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/goals",
  tags: ["Goals & OKRs"],
  summary: "List all goals for the current workspace.",
  description:
    "Needs can_view_goal (without it, only the goals you created or own). Filters: level, status, owner_id " +
    '(a member id or "me"), team_id, parent_goal_id ("null" for top-level goals). Newest first, with key results.',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListGoalsQuery },
  responses: { 200: json(z.array(GoalSchema), "Goals with their key results"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listGoals(c.var.ctx, c.req.valid("query")), 200);

export const registerListGoals = (r: Router) => r.openapi(route, handler);
