import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskFileSchema, TaskIdParam } from "../schemas";
import { listTaskFiles } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/tasks/{task_id}/files",
  tags: ["Tasks"],
  summary: "Get all files attached to a task via DocumentLink.",
  description: "The files attached to the task (on completion), oldest first. Same visibility as the task.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam },
  responses: { 200: json(z.array(TaskFileSchema), "The task's files"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listTaskFiles(c.var.ctx, c.req.valid("param").task_id), 200);

export const registerListTaskFiles = (r: Router) => r.openapi(route, handler);
