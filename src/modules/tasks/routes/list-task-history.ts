import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TaskHistoryPageSchema, TaskHistoryQuery, TaskIdParam } from "../schemas";
import { listTaskHistory } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/tasks/{task_id}/history",
  tags: ["Tasks"],
  summary: "Get activity history for a task.",
  description: "Every change to the task (who, when, what changed from what to what), newest first, paged with limit/offset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam, query: TaskHistoryQuery },
  responses: { 200: json(TaskHistoryPageSchema, "History entries"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listTaskHistory(c.var.ctx, c.req.valid("param").task_id, c.req.valid("query")), 200);

export const registerListTaskHistory = (r: Router) => r.openapi(route, handler);
