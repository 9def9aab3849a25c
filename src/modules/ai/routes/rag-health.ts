import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { RagHealthSchema } from "../schemas";
import { ragHealth } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/ai/rag/health",
  tags: ["AI - RAG"],
  summary: "Health check for RAG service.",
  description: "RAG endpoints are not enabled yet (as in the seed); reports that and the embedding model the gateway uses.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  responses: { 200: json(RagHealthSchema, "Status"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(ragHealth(), 200);

export const registerRagHealth = (r: Router) => r.openapi(route, handler);
