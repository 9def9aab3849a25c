import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIndexSchema, KnowledgeDocumentParam } from "../schemas";
import { retryDocument } from "../service/lifecycle";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/{document_id}/retry",
  tags: ["Collaboration / Documents"],
  summary: "Retry indexing a document whose index failed.",
  description: "Needs edit access to the document. Only a failed index can be retried (409 otherwise, saying its status).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: KnowledgeDocumentParam },
  responses: { 202: json(DocumentIndexSchema, "The index status (queued)"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await retryDocument(c.var.ctx, c.req.valid("param").document_id), 202);

export const registerRetryDocument = (r: Router) => r.openapi(route, handler);
