import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { LlmUsageSchema, UsageQuerySchema } from "../schemas";
import { llmUsage } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/ai/llm/usage",
  tags: ["AI - LLM"],
  summary: "Get LLM usage statistics for the workspace.",
  description:
    "Requests, tokens, cost (USD) and credits: totals, by model, by operation and by day (UTC), over start_date..end_date " +
    "(inclusive; default this month), optionally one model or operation_type. Includes the credit balance. Needs can_view_billing.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: UsageQuerySchema },
  responses: { 200: json(LlmUsageSchema, "Usage"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await llmUsage(c.var.ctx, c.req.valid("query")), 200);

export const registerLlmUsage = (r: Router) => r.openapi(route, handler);
