import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationIdParam, IntegrationLogsQuery, IntegrationLogsSchema } from "../schemas";
import { integrationLogs } from "../service/runs";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/{integration_id}/logs",
  tags: ["Integrations & Data / Integrations"],
  summary: "Get logs for recent job runs of this integration.",
  description: "The most recent runs (?runs=, default 5), newest first, each with its log entries.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationIdParam, query: IntegrationLogsQuery },
  responses: { 200: json(IntegrationLogsSchema, "Runs with logs"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await integrationLogs(c.var.ctx, c.req.valid("param").integration_id, c.req.valid("query")), 200);

export const registerIntegrationLogs = (r: Router) => r.openapi(route, handler);
