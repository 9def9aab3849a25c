import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { KnowledgeSearchRequest, KnowledgeSearchResponse } from "../schemas";
import { searchKnowledge } from "../service/search";

const route = createRoute({
  method: "post",
  path: "/api/v1/knowledge/search",
  tags: ["Knowledge"],
  summary: "Search the workspace's documents (hybrid full-text and vector retrieval) with citations.",
  description:
    "Full-text (websearch syntax) and vector candidates fused by reciprocal rank fusion, in one query that applies the " +
    "caller's document visibility, the filters and the agent restriction inside it: a document the caller cannot open is " +
    "never returned, and top_k still fills. Only each document's indexed current version is searched. `mode` picks one " +
    "method alone (fulltext, vector) for comparison; `rerank` reorders the candidates with one gateway call. " +
    "Embedding the query spends AI credits (402 without them).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(KnowledgeSearchRequest) },
  responses: { 200: json(KnowledgeSearchResponse, "Ranked chunks with citations"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await searchKnowledge(c.var.ctx, c.req.valid("json")), 200);

export const registerSearchKnowledge = (r: Router) => r.openapi(route, handler);
