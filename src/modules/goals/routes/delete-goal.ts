import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GoalIdParam } from "../schemas";
import { deleteGoal } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/goals/{goal_id}",
  tags: ["Goals & OKRs"],
  summary: "Delete a goal and its key results/steps.",
  description:
    "Needs can_delete_goal, or can_delete_own_goal on a goal you created or own. Sub-goals become top-level goals; " +
    "linked tasks keep existing without the link.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: GoalIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteGoal(c.var.ctx, c.req.valid("param").goal_id);
  return c.body(null, 204);
};

export const registerDeleteGoal = (r: Router) => r.openapi(route, handler);
