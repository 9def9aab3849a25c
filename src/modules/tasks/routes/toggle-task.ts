import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskIdParam, TaskSchema } from "../schemas";
import { toggleTask } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tasks/{task_id}/toggle",
  tags: ["Tasks"],
  summary: "Toggle task completion status",
  description: "A completed task is reopened (todo); any other task is completed. Same rights as editing.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam },
  responses: { 200: json(TaskSchema, "The task after the toggle"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await toggleTask(c.var.ctx, c.req.valid("param").task_id), 200);

export const registerToggleTask = (r: Router) => r.openapi(route, handler);
