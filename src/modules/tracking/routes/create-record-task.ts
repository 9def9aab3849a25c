import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordIdParam, RecordTaskCreate, RecordTaskSchema } from "../schemas";
import { createRecordTask } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tracking/{record_id}/tasks",
  tags: ["Record Tracking"],
  summary: "Create a new task for a record",
  description:
    "Adds a task to the record; the assignee must be an active member and is notified (task_assigned). Needs edit access to the record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: jsonBody(RecordTaskCreate) },
  responses: { 200: json(RecordTaskSchema, "The task"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createRecordTask(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json")), 200);

export const registerCreateRecordTask = (r: Router) => r.openapi(route, handler);
