import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { PromptListSchema } from "../schemas";
import { listPrompts } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/ai/prompts",
  tags: ["AI Prompts"],
  summary: "List all available prompt contexts.",
  description: "The system prompts Atrium uses by context (chat, assistants, summaries, …). Any signed-in user.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  responses: { 200: json(PromptListSchema, "The contexts"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(listPrompts(), 200);

export const registerListPrompts = (r: Router) => r.openapi(route, handler);
