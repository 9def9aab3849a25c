import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ExplainRequest, StructuredAnswerSchema } from "../schemas";
import { explainConcept } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/assistant/explain",
  tags: ["AI Assistant"],
  summary: "Explain an educational concept",
  description:
    "A structured explanation: summary, steps, real-world examples, a visual description and follow-up questions, " +
    "validated against a JSON Schema (422 extraction_failed if the model cannot produce it). Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ExplainRequest) },
  responses: { 200: json(StructuredAnswerSchema, "The explanation"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await explainConcept(c.var.ctx, c.req.valid("json")), 200);

export const registerAssistantExplain = (r: Router) => r.openapi(route, handler);
