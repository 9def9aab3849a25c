import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIndexSchema, KnowledgeDocumentParam } from "../schemas";
import { reindexDocument } from "../service/lifecycle";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/{document_id}/reindex",
  tags: ["Collaboration / Documents"],
  summary: "Re-index a document's current version.",
  description:
    "Needs edit access to the document. Queues extraction, chunking and embedding again; the existing chunks keep " +
    "serving until the new ones are ready. 409 while it is already being indexed, or when it has no file.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: KnowledgeDocumentParam },
  responses: { 202: json(DocumentIndexSchema, "The index status (queued)"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await reindexDocument(c.var.ctx, c.req.valid("param").document_id), 202);

export const registerReindexDocument = (r: Router) => r.openapi(route, handler);
