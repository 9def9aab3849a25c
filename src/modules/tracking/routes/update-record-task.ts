import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordTaskSchema, RecordTaskUpdate, TaskIdParam } from "../schemas";
import { updateRecordTask } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/tracking/tasks/{task_id}",
  tags: ["Record Tracking"],
  summary: "Update an existing task",
  description:
    "Changes the given fields only; status completed sets completed_at/by, any other status clears them; a new assignee is notified. Needs edit access to the record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: TaskIdParam, body: jsonBody(RecordTaskUpdate) },
  responses: { 200: json(RecordTaskSchema, "The task"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateRecordTask(c.var.ctx, c.req.valid("param").task_id, c.req.valid("json")), 200);

export const registerUpdateRecordTask = (r: Router) => r.openapi(route, handler);
