import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskIdParam, TaskSchema } from "../schemas";
import { reopenTask } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tasks/{task_id}/reopen",
  tags: ["Tasks"],
  summary: "Reopen a completed task.",
  description:
    "A completed (or cancelled) task goes back to todo; completion and verification are cleared. Same rights as editing; 409 for an open task.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam },
  responses: { 200: json(TaskSchema, "The reopened task"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await reopenTask(c.var.ctx, c.req.valid("param").task_id), 200);

export const registerReopenTask = (r: Router) => r.openapi(route, handler);
