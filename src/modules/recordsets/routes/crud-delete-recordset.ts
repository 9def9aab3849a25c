import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetIdParam } from "../schemas";
import { deleteRecordset } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/crud/recordsets/{recordset_id}",
  tags: ["Records & CRM / CRUD - Recordsets"],
  summary: "Delete a recordset (cascades to records)",
  description:
    "Permanent, without the trash: the recordset, its records (with versions, comments, attachments' rows), views, grants and pipeline. Workspace admins and owners.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam },
  responses: { 204: { description: "Done" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteRecordset(c.var.ctx, c.req.valid("param").recordset_id);
  return c.body(null, 204);
};

export const registerCrudDeleteRecordset = (r: Router) => r.openapi(route, handler);
