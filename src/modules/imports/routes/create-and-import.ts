import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CreateAndImportBody, ImportStartedSchema } from "../schemas";
import { createRecordsetAndImport } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/import",
  tags: ["Recordset Import"],
  summary: "Create a recordset and start async import from the uploaded file.",
  description:
    "Creates the recordset (fields given, else the suggested ones; GeoJSON makes a map-mode recordset with a geo field) and " +
    "queues the import on the imports queue; returns at once with the recordset and job ids. Rows are imported in chunks of " +
    "2,000; rows with bad values are skipped and listed in an error report (row, column, reason) downloadable through a " +
    "signed link; the user gets a notification and an email at the end. Needs can_create_recordset. Mapping problems " +
    "(unknown field keys or columns) are a 422 before anything is created.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(CreateAndImportBody) },
  responses: { 200: json(ImportStartedSchema, "Recordset created, import queued"), ...errorResponses(401, 403, 404, 409, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createRecordsetAndImport(c.var.ctx, c.req.valid("json")), 200);

export const registerCreateAndImport = (r: Router) => r.openapi(route, handler);
