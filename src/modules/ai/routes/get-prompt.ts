import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { PromptParams, PromptSchema } from "../schemas";
import { getPrompt } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/ai/prompts/{context}",
  tags: ["AI Prompts"],
  summary: "Get a specific system prompt by context name.",
  description: "404 for an unknown context. Any signed-in user.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: PromptParams },
  responses: { 200: json(PromptSchema, "The prompt"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(getPrompt(c.req.valid("param").context), 200);

export const registerGetPrompt = (r: Router) => r.openapi(route, handler);
