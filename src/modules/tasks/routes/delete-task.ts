import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskIdParam } from "../schemas";
import { deleteTask } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/tasks/{task_id}",
  tags: ["Tasks"],
  summary: "Delete a task",
  description: "Needs can_delete_action, or can_delete_own_action as the task's owner. Its files are removed from storage too.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteTask(c.var.ctx, c.req.valid("param").task_id);
  return c.body(null, 204);
};

export const registerDeleteTask = (r: Router) => r.openapi(route, handler);
