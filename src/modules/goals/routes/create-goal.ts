import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GoalCreate, GoalSchema } from "../schemas";
import { createGoal } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/goals",
  tags: ["Goals & OKRs"],
  summary: "Create a new goal with key results/steps.",
  description:
    "Needs can_create_goal. The owner defaults to the caller and must be an active member; team and parent goal " +
    "must exist (422 otherwise). Progress is the mean of the key results' progress.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(GoalCreate) },
  responses: { 201: json(GoalSchema, "The goal with its key results"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createGoal({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCreateGoal = (r: Router) => r.openapi(route, handler);
