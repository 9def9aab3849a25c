import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentIdParam, AgentRunPageSchema, ListAgentRunsQuery } from "../schemas";
import { listAgentRuns } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/agents/{agent_id}/runs",
  tags: ["AI Employees"],
  summary: "List an AI employee's runs, newest first",
  description:
    "Instructions (source `api`) and chat turns (source `chat`) with their steps. You see the runs you started; " +
    "holders of can_manage_agents see all. `skip`/`limit` paginate (limit at most 100).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AgentIdParam, query: ListAgentRunsQuery },
  responses: { 200: json(AgentRunPageSchema, "Runs"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listAgentRuns(c.var.ctx, c.req.valid("param").agent_id, c.req.valid("query")), 200);

export const registerListAgentRuns = (r: Router) => r.openapi(route, handler);
