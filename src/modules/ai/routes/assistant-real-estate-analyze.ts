import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { PropertyAnalyzeRequest, StructuredAnswerSchema } from "../schemas";
import { analyzeRealEstate } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/assistant/real-estate/analyze",
  tags: ["AI Assistant"],
  summary: "Analyze a real estate deal or property",
  description:
    "Atrium computes the year-one metrics (NOI, cap rate, debt service, cash flow, cash-on-cash, DSCR, GRM); the model " +
    "evaluates them: property, market, cash flow, risks and a buy / negotiate / pass recommendation. Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(PropertyAnalyzeRequest) },
  responses: { 200: json(StructuredAnswerSchema, "The analysis"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await analyzeRealEstate(c.var.ctx, c.req.valid("json")), 200);

export const registerAssistantRealEstateAnalyze = (r: Router) => r.openapi(route, handler);
