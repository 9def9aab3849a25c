import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ImportIntoBody, ImportStartedSchema, RecordsetIdParam } from "../schemas";
import { importIntoRecordset } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/import/recordsets/{recordset_id}",
  tags: ["Recordset Import"],
  summary: "Import records from an uploaded file into an existing recordset.",
  description:
    "field_mappings maps the file's columns to the recordset's field keys (columns left out are skipped); without it, columns " +
    "whose name equals a field's key or name are used. Needs can_create on the recordset (404 when you cannot see it). " +
    "Unknown field keys or columns are a 422 naming them; integration recordsets are read-only (409).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam, body: jsonBody(ImportIntoBody) },
  responses: { 200: json(ImportStartedSchema, "Import queued"), ...errorResponses(401, 403, 404, 409, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await importIntoRecordset(c.var.ctx, c.req.valid("param").recordset_id, c.req.valid("json")), 200);

export const registerImportIntoRecordset = (r: Router) => r.openapi(route, handler);
