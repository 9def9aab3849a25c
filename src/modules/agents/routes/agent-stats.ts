import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentIdParam, AgentStatsQuery, AgentStatsSchema } from "../schemas";
import { getAgentStats } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/agents/{agent_id}/stats",
  tags: ["AI Employees"],
  summary: "An AI employee's usage statistics",
  description:
    "From its runs: `tasks_completed_today` (runs completed since 00:00 UTC), and for `period` (24h, 7d, 30d, " +
    "90d; default 7d) run counts, tool calls, mean response time and mean rating (satisfaction).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AgentIdParam, query: AgentStatsQuery },
  responses: { 200: json(AgentStatsSchema, "Statistics"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getAgentStats(c.var.ctx, c.req.valid("param").agent_id, c.req.valid("query")), 200);

export const registerAgentStats = (r: Router) => r.openapi(route, handler);
