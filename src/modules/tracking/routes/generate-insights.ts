import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GeneratedInsightsSchema, GenerateInsightsRequest, optionalJsonBody, RecordIdParam } from "../schemas";
import { generateInsights } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/tracking/{record_id}/generate-insights",
  tags: ["Record Tracking"],
  summary: "Generate AI insights for a record",
  description:
    "Asks the model for up to max_insights (default 5, at most 10) new insights and stores them (source ai, status active). Needs edit access to the record and can_use_ai; when the model fails nothing is stored.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: optionalJsonBody(GenerateInsightsRequest) },
  responses: { 200: json(GeneratedInsightsSchema, "The stored insights"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await generateInsights(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json")), 200);

export const registerGenerateInsights = (r: Router) => r.openapi(route, handler);
