import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetSlugParam } from "../schemas";
import { deleteTrashedRecordset } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/recordsets/trash/{recordset_slug}",
  tags: ["Records & CRM / Recordsets"],
  summary: "Permanently delete a recordset and all its records",
  description: "Only recordsets in the trash. Cannot be undone. Workspace admins and owners.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam },
  responses: { 204: { description: "Done" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteTrashedRecordset(c.var.ctx, c.req.valid("param").recordset_slug);
  return c.body(null, 204);
};

export const registerDeleteTrashedRecordset = (r: Router) => r.openapi(route, handler);
