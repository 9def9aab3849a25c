import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { LlmModelListSchema } from "../schemas";
import { listLlmModels } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/ai/llm/models",
  tags: ["AI - LLM"],
  summary: "List available LLM models.",
  description:
    "Every registered chat model: provider, context window, output limit, prices per token and per million tokens, " +
    "capabilities. The workspace default (module settings of `ai`, `default_model`) is flagged. Any member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(LlmModelListSchema, "The models"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listLlmModels(c.var.ctx), 200);

export const registerListLlmModels = (r: Router) => r.openapi(route, handler);
