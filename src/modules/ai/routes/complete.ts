import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CompletionRequest, CompletionSchema } from "../schemas";
import { completePrompt } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/llm/complete",
  tags: ["AI - LLM"],
  summary: "Complete a prompt using the workspace's default LLM model.",
  description:
    "Needs can_use_ai. Credits are checked before the model is called (402 insufficient_credits); unknown model → 422 " +
    "listing the valid ones; a prompt larger than the model's context window → 413; the model server failing → 502 " +
    "ai_provider_error, not answering in time → 504 ai_provider_timeout (nothing charged). Returns usage, estimated cost and credits.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(CompletionRequest) },
  responses: { 200: json(CompletionSchema, "The completion"), ...errorResponses(401, 402, 403, 404, 413, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await completePrompt(c.var.ctx, c.req.valid("json")), 200);

export const registerComplete = (r: Router) => r.openapi(route, handler);
