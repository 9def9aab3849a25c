import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskIdParam, TaskSchema, TaskVerify } from "../schemas";
import { verifyTask } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tasks/{task_id}/verify",
  tags: ["Tasks"],
  summary: "Verify or reject a completed task.",
  description:
    "The task's owner (with can_edit_own_action) or a holder of can_edit_action verifies completed work, or rejects " +
    "it with a reason: the task goes back to in_progress. Whoever completed it and the assignees are notified " +
    "(task_verified / task_rejected). 409 unless the task is completed and not yet verified.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam, body: jsonBody(TaskVerify) },
  responses: { 200: json(TaskSchema, "The task"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await verifyTask({ ctx: c.var.ctx, taskId: c.req.valid("param").task_id, input: c.req.valid("json") }), 200);

export const registerVerifyTask = (r: Router) => r.openapi(route, handler);
