import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GoalProgressUpdate, GoalSchema } from "../schemas";
import { updateGoalProgress } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/goals/progress",
  tags: ["Goals & OKRs"],
  summary: "Update progress on key results/steps.",
  description:
    "Sets current values of key results (or done flags of steps), or the manual progress of a goal without key " +
    "results, and recalculates the goal's progress; reaching 100% completes the goal. Needs can_edit_goal, or " +
    "can_edit_own_goal on a goal you created or own.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(GoalProgressUpdate) },
  responses: { 200: json(GoalSchema, "The goal with recalculated progress"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateGoalProgress({ ctx: c.var.ctx, input: c.req.valid("json") }), 200);

export const registerUpdateGoalProgress = (r: Router) => r.openapi(route, handler);
