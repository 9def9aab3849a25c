import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListRecordsQuery, RecordPageSchema } from "../schemas";
import { listRecords } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/records",
  tags: ["Records"],
  summary: "List records from recordsets the user has access to.",
  description:
    "With recordset_id (id or slug): needs can_view on it, and field keys can be filtered, sorted and projected. Without it: records of every recordset you can view (built-in columns only). Deleted records only with status=deleted. Paged with skip/limit or page/page_size (at most 200); `total` counts every match. Filter syntax: see each parameter.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListRecordsQuery },
  responses: { 200: json(RecordPageSchema, "A page of records"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listRecords(c.var.ctx, c.req.valid("query")), 200);

export const registerListRecords = (r: Router) => r.openapi(route, handler);
