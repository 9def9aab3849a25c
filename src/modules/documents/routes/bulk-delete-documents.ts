import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { BulkDeleteDocuments, BulkDeleteResultSchema } from "../schemas";
import { bulkDeleteDocuments } from "../service/manage";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/bulk-delete",
  tags: ["Documents"],
  summary: "Bulk delete multiple documents.",
  description:
    "Up to 200 ids, each checked on its own with the single-delete rule: owners/admins delete any; members any they can see with can_delete_document, or their own with can_delete_own_document; viewers none. Each id gets a result: deleted, forbidden, or not_found (which also covers documents you cannot see, so nothing hidden is confirmed).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(BulkDeleteDocuments) },
  responses: { 200: json(BulkDeleteResultSchema, "A result per id"), ...errorResponses(401, 403) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await bulkDeleteDocuments(c.var.ctx, c.req.valid("json")), 200);

export const registerBulkDeleteDocuments = (r: Router) => r.openapi(route, handler);
