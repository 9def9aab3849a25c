import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetSlugParam } from "../schemas";
import { trashRecordset } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/recordsets/{recordset_slug}",
  tags: ["Records & CRM / Recordsets"],
  summary: "Soft delete a recordset (move to trash)",
  description:
    "Sets deleted_at; the recordset disappears from lists and lookups, is listed in /recordsets/trash and is purged by the cron after 30 days. Needs admin rights on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam },
  responses: { 204: { description: "Done" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await trashRecordset(c.var.ctx, c.req.valid("param").recordset_slug);
  return c.body(null, 204);
};

export const registerTrashRecordset = (r: Router) => r.openapi(route, handler);
