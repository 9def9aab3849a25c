import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentSummarySchema, KnowledgeDocumentParam, SummaryQuery } from "../schemas";
import { documentSummary } from "../service/rag";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/{document_id}/ai-summary",
  tags: ["Collaboration / Documents"],
  summary: "Generate an AI summary for a document using RAG.",
  description:
    "A gateway chat call over the document's own indexed chunks plus a few chunks of similar documents the caller can " +
    "see, with citations. Cached in the document's ai_summary until its index changes; force_regenerate makes a new one. " +
    "409 while the document is not indexed yet; 402 without AI credits.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: KnowledgeDocumentParam, query: SummaryQuery },
  responses: { 200: json(DocumentSummarySchema, "The summary with citations"), ...errorResponses(401, 402, 404, 409, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await documentSummary(c.var.ctx, c.req.valid("param").document_id, c.req.valid("query").force_regenerate), 200);

export const registerAiSummary = (r: Router) => r.openapi(route, handler);
