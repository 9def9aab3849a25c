import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetSchema, RecordsetSlugParam } from "../schemas";
import { restoreRecordset } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/trash/{recordset_slug}/restore",
  tags: ["Records & CRM / Recordsets"],
  summary: "Restore a soft-deleted recordset from trash",
  description: "Workspace admins and owners. The recordset comes back with its records, views and grants.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam },
  responses: { 200: json(RecordsetSchema, "The recordset"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await restoreRecordset(c.var.ctx, c.req.valid("param").recordset_slug), 200);

export const registerRestoreRecordset = (r: Router) => r.openapi(route, handler);
