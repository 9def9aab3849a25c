import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AssistantRequest, AssistantResponseSchema } from "../schemas";
import { runAssistant } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/assistant",
  tags: ["AI Assistant"],
  summary: "General AI assistant endpoint",
  description:
    "assistant_type: general_assistant (default), real_estate_analyzer, deal_evaluator, educational_tutor or " +
    "underwriting_creator: the system prompt of that context (GET /api/v1/ai/prompts). Optional context facts and history. Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(AssistantRequest) },
  responses: { 200: json(AssistantResponseSchema, "The answer"), ...errorResponses(401, 402, 403, 404, 413, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await runAssistant(c.var.ctx, c.req.valid("json")), 200);

export const registerAssistant = (r: Router) => r.openapi(route, handler);
