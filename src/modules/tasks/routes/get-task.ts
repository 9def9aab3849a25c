import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskIdParam, TaskSchema } from "../schemas";
import { getTask } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/tasks/{task_id}",
  tags: ["Tasks"],
  summary: "Get a specific task by ID.",
  description:
    "Admins and owners see any task; a channel task needs view access to its channel; a standalone task needs " +
    "being its owner or an assignee. Anything else is a 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam },
  responses: { 200: json(TaskSchema, "The task"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getTask(c.var.ctx, c.req.valid("param").task_id), 200);

export const registerGetTask = (r: Router) => r.openapi(route, handler);
