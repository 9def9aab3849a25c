import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { UsageChartQuery, UsageChartSchema } from "../schemas";
import { getUsageChart } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/credits/usage-chart",
  tags: ["Billing"],
  summary: "AI credit usage by day (or week) and by model.",
  description:
    "Consumption between start and end (inclusive, UTC days; at most a year), zero-filled, and per model over the range. Any member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: UsageChartQuery },
  responses: { 200: json(UsageChartSchema, "Usage chart"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getUsageChart(c.var.ctx, c.req.valid("query")), 200);

export const registerGetCreditUsageChart = (r: Router) => r.openapi(route, handler);
