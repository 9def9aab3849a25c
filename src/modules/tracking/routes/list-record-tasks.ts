import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListRecordTasksQuery, RecordIdParam, RecordTaskPageSchema } from "../schemas";
import { listRecordTasks } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/tracking/{record_id}/tasks",
  tags: ["Record Tracking"],
  summary: "List tasks for a record",
  description:
    "Tasks attached to the record, newest first; filters status and priority (comma-separated), include_completed (default true). Needs view access. Paged with page/page_size.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, query: ListRecordTasksQuery },
  responses: { 200: json(RecordTaskPageSchema, "A page of tasks"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listRecordTasks(c.var.ctx, c.req.valid("param").record_id, c.req.valid("query")), 200);

export const registerListRecordTasks = (r: Router) => r.openapi(route, handler);
