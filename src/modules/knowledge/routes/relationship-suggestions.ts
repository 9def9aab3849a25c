import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { KnowledgeDocumentParam, RelationshipSuggestionsSchema, SuggestionsQuery } from "../schemas";
import { relationshipSuggestions } from "../service/rag";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/{document_id}/relationships/suggestions",
  tags: ["Collaboration / Documents"],
  summary: "Get AI-suggested relationships for a document.",
  description:
    "Candidates: other documents whose chunks are close to this one's (vector similarity), and records, tasks and " +
    "channels the caller can see whose text matches the document's key terms; one gateway call explains and scores them. " +
    "Only what the caller can see is ever suggested. 409 while the document is not indexed yet.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: KnowledgeDocumentParam, query: SuggestionsQuery },
  responses: {
    200: json(RelationshipSuggestionsSchema, "Suggestions, most confident first"),
    ...errorResponses(401, 402, 404, 409, 502, 504),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await relationshipSuggestions(c.var.ctx, c.req.valid("param").document_id, c.req.valid("query").limit), 200);

export const registerRelationshipSuggestions = (r: Router) => r.openapi(route, handler);
