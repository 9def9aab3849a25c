import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GoalSchema, GoalUpdate } from "../schemas";
import { updateGoal } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/goals",
  tags: ["Goals & OKRs"],
  summary: "Update a goal's details and/or key results.",
  description:
    "The goal is named in the body (goal_id). Needs can_edit_goal, or can_edit_own_goal on a goal you created or own. " +
    "key_results, when given, is the full new list (with id: updated; without: added; missing: removed).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(GoalUpdate) },
  responses: { 200: json(GoalSchema, "The updated goal"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await updateGoal({ ctx: c.var.ctx, input: c.req.valid("json") }), 200);

export const registerUpdateGoal = (r: Router) => r.openapi(route, handler);
