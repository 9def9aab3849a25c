import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIndexSchema, KnowledgeDocumentParam } from "../schemas";
import { getIndexStatus } from "../service/lifecycle";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/{document_id}/index",
  tags: ["Collaboration / Documents"],
  summary: "A document's knowledge index: status, versions indexed, chunk count, error.",
  description:
    "index_status: none (no file), queued, extracting, indexing, ready, failed (index_error says why). `stale` is true while " +
    "a newer version than the indexed one exists; the indexed one serves retrieval meanwhile.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: KnowledgeDocumentParam },
  responses: { 200: json(DocumentIndexSchema, "The index status"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getIndexStatus(c.var.ctx, c.req.valid("param").document_id), 200);

export const registerGetDocumentIndex = (r: Router) => r.openapi(route, handler);
