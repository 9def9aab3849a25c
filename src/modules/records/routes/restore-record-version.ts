import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { HistoryParams, RecordSchema } from "../schemas";
import { restoreRecordVersion } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/records/{record_id}/history/{history_id}/restore",
  tags: ["Records"],
  summary: "Restore a record to a previous version from history.",
  description:
    "Creates a new version (change_type restore) with the field_values of that history entry (fields removed since are dropped). Needs can_edit on the parent recordset, or can_edit_own on a record you created.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: HistoryParams },
  responses: { 200: json(RecordSchema, "The new version"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await restoreRecordVersion(c.var.ctx, c.req.valid("param").record_id, c.req.valid("param").history_id), 200);

export const registerRestoreRecordVersion = (r: Router) => r.openapi(route, handler);
