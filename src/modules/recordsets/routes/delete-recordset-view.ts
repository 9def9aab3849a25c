import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetViewParams } from "../schemas";
import { deleteRecordsetView } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/recordsets/{recordset_slug}/views/{view_id}",
  tags: ["Records & CRM / Recordsets"],
  summary: "Delete a recordset view",
  description: "The view's creator or the recordset's admins.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetViewParams },
  responses: { 204: { description: "Done" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteRecordsetView(c.var.ctx, c.req.valid("param").recordset_slug, c.req.valid("param").view_id);
  return c.body(null, 204);
};

export const registerDeleteRecordsetView = (r: Router) => r.openapi(route, handler);
