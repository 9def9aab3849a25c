import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { BulkDeleteRequest, BulkDeleteResultSchema } from "../schemas";
import { bulkDeleteRecords } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/records/bulk-delete",
  tags: ["Records"],
  summary: "Bulk delete records.",
  description:
    "all=true: every record of recordset_id (needs can_delete). record_ids (at most 1000): each record is checked on its own: can_delete on its recordset, or can_delete_own if you created it; the others are listed in `failed` and left alone. Soft delete (status deleted), record counts kept exact.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(BulkDeleteRequest) },
  responses: { 200: json(BulkDeleteResultSchema, "What was deleted and what was not"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await bulkDeleteRecords(c.var.ctx, c.req.valid("json")), 200);

export const registerBulkDeleteRecords = (r: Router) => r.openapi(route, handler);
