import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetViewParams, RecordsetViewSchema, RecordsetViewUpdate } from "../schemas";
import { updateRecordsetView } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/recordsets/{recordset_slug}/views/{view_id}",
  tags: ["Records & CRM / Recordsets"],
  summary: "Update a recordset view",
  description:
    "The view's creator or the recordset's admins; changing is_default only the recordset's admins (403). Same checks as creating one.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetViewParams, body: jsonBody(RecordsetViewUpdate) },
  responses: { 200: json(RecordsetViewSchema, "The view"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateRecordsetView(c.var.ctx, c.req.valid("param").recordset_slug, c.req.valid("param").view_id, c.req.valid("json")), 200);

export const registerUpdateRecordsetView = (r: Router) => r.openapi(route, handler);
