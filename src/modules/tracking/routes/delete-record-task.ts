import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DeletedSchema, TaskIdParam } from "../schemas";
import { deleteRecordTask } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/tracking/tasks/{task_id}",
  tags: ["Record Tracking"],
  summary: "Delete a task",
  description: "Removes the task. Needs edit access to the record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam },
  responses: { 200: json(DeletedSchema, "Deleted"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await deleteRecordTask(c.var.ctx, c.req.valid("param").task_id), 200);

export const registerDeleteRecordTask = (r: Router) => r.openapi(route, handler);
