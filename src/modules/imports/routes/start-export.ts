import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ExportBody, ExportStartedSchema } from "../schemas";
import { startExport } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/export",
  tags: ["Recordset Import"],
  summary: "Create an export job for a recordset.",
  description:
    "Queues a CSV export of the recordset's records (id, the fields, status, tags, timestamps; archived and deleted records " +
    "left out unless status=archived). The job's download_url (signed, 24 h) appears when it completes; the user is " +
    "notified. Needs can_view on the recordset (404 when invisible).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ExportBody) },
  responses: { 200: json(ExportStartedSchema, "Export queued"), ...errorResponses(401, 403, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await startExport(c.var.ctx, c.req.valid("json")), 200);

export const registerStartExport = (r: Router) => r.openapi(route, handler);
