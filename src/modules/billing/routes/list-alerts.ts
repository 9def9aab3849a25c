import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AlertsSchema } from "../schemas";
import { listAlerts } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/alerts",
  tags: ["Billing"],
  summary: "Spending alerts.",
  description: "Owner or admin. Low balance, daily or monthly spend thresholds with their channels and when they last fired.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(AlertsSchema, "Alerts"), ...errorResponses(401, 403) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listAlerts(c.var.ctx), 200);

export const registerListAlerts = (r: Router) => r.openapi(route, handler);
