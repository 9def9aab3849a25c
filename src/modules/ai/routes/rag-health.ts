import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { optionalWorkspace, requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ragHealth } from "../../knowledge/service/lifecycle";
import { RagHealthSchema } from "../schemas";

const route = createRoute({
  method: "get",
  path: "/api/v1/ai/rag/health",
  tags: ["AI - RAG"],
  summary: "Health check for RAG service.",
  description:
    "The retrieval service and its embedding model; with X-Workspace-Id also the workspace's index freshness: documents " +
    "per index status, pending, stale and failed documents, the oldest pending document's age, when one was last indexed.",
  security: bearerSecurity,
  middleware: [requireUser(), optionalWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(RagHealthSchema, "Status"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await ragHealth(c.var.ctx), 200);

export const registerRagHealth = (r: Router) => r.openapi(route, handler);
