import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CrudListRecordsQuery, RecordPageSchema } from "../schemas";
import { listRecords } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/crud/records",
  tags: ["CRUD - Records"],
  summary: "List all records with pagination and filters.",
  description:
    "Same rules as GET /api/v1/records with the basic filters: recordset_id (id or slug), search, status, tags; skip/limit or page/page_size.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: CrudListRecordsQuery },
  responses: { 200: json(RecordPageSchema, "A page of records"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listRecords(c.var.ctx, c.req.valid("query")), 200);

export const registerCrudListRecords = (r: Router) => r.openapi(route, handler);
