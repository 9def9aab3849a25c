import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationRecordPageSchema, ListIntegrationRecordsQuery, RecordsetSlugParam } from "../schemas";
import { listIntegrationRecords } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/integration-records/{recordset_slug}",
  tags: ["Integration Records"],
  summary: "Query records directly from the staging table for an integration recordset.",
  description:
    "Read-only rows of a virtual integration recordset (is_integration with a staging_table), straight from the " +
    "staging data, not copied into records. Needs can_view on the recordset; ordinary recordsets are a 404. search " +
    "matches any value of the row; sort_by is synced_at, created_at, external_id or a field key of the recordset " +
    "(anything else is a 422); paged with page/page_size.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam, query: ListIntegrationRecordsQuery },
  responses: { 200: json(IntegrationRecordPageSchema, "A page of staging rows"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listIntegrationRecords(c.var.ctx, c.req.valid("param").recordset_slug, c.req.valid("query")), 200);

export const registerListIntegrationRecords = (r: Router) => r.openapi(route, handler);
