import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListRecordsetsQuery, RecordsetListSchema } from "../schemas";
import { listRecordsets } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/crud/recordsets",
  tags: ["Records & CRM / CRUD - Recordsets"],
  summary: "List all recordsets with pagination and filters",
  description:
    "The same visibility and filters as GET /api/v1/recordsets; record_count is counted in the same query (a correlated count per recordset on the page) rather than read from the stored counter.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListRecordsetsQuery },
  responses: { 200: json(RecordsetListSchema, "Recordsets"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listRecordsets(c.var.ctx, c.req.valid("query"), { exactCounts: true }), 200);

export const registerCrudListRecordsets = (r: Router) => r.openapi(route, handler);
