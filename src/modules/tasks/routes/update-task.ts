import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskIdParam, TaskSchema, TaskUpdate } from "../schemas";
import { updateTask } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/tasks/{task_id}",
  tags: ["Tasks"],
  summary: "Update a task",
  description:
    "Needs can_edit_action, or can_edit_own_action as the task's owner or an assignee. assignee_ids replaces the " +
    "list (members added are notified); every change is kept in the task's history.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam, body: jsonBody(TaskUpdate) },
  responses: { 200: json(TaskSchema, "The updated task"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateTask({ ctx: c.var.ctx, taskId: c.req.valid("param").task_id, input: c.req.valid("json") }), 200);

export const registerUpdateTask = (r: Router) => r.openapi(route, handler);
