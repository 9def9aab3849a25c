import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RunIdParam, RunLogsQuery, RunLogsSchema } from "../schemas";
import { getRunLogs } from "../service/runs";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/runs/{run_id}/logs",
  tags: ["Integrations & Data / Integrations"],
  summary: "Get logs for a specific job run.",
  description: "The run's log entries (timestamp, level, message), oldest first, paged with limit (1-1000) and offset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RunIdParam, query: RunLogsQuery },
  responses: { 200: json(RunLogsSchema, "Log entries"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getRunLogs(c.var.ctx, c.req.valid("param").run_id, c.req.valid("query")), 200);

export const registerGetRunLogs = (r: Router) => r.openapi(route, handler);
