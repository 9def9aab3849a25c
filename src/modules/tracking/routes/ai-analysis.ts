import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AnalysisRequest, AnalysisSchema, optionalJsonBody, RecordIdParam } from "../schemas";
import { analyzeRecord } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tracking/{record_id}/ai-analysis",
  tags: ["Record Tracking"],
  summary: "Get AI analysis of a record",
  description:
    "The model's analysis of the record (fields, recent interactions, open tasks, insights): summary, health, sentiment, key points, risks, opportunities, recommended actions. Not stored. Needs view access to the record and can_use_ai; credits are checked first (402 insufficient_credits); an answer that does not fit the schema after one repair is 422 extraction_failed (nothing charged). Optional body: focus.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: optionalJsonBody(AnalysisRequest) },
  responses: { 200: json(AnalysisSchema, "The analysis"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await analyzeRecord(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json")), 200);

export const registerAnalyzeRecord = (r: Router) => r.openapi(route, handler);
