import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { InsightPageSchema, ListInsightsQuery, RecordIdParam } from "../schemas";
import { listInsights } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/tracking/{record_id}/insights",
  tags: ["Record Tracking"],
  summary: "List insights for a record",
  description:
    "Insights about the record (AI-generated or manual), newest first. Dismissed ones only with include_dismissed=true; insight_type filters (comma-separated). Needs view access to the record's recordset. Paged with page/page_size.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, query: ListInsightsQuery },
  responses: { 200: json(InsightPageSchema, "A page of insights"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listInsights(c.var.ctx, c.req.valid("param").record_id, c.req.valid("query")), 200);

export const registerListInsights = (r: Router) => r.openapi(route, handler);
