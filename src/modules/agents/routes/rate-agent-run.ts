import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentRunParams, AgentRunRating, AgentRunSchema } from "../schemas";
import { rateAgentRun } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/agents/{agent_id}/runs/{run_id}/rating",
  tags: ["AI Employees"],
  summary: "Rate a finished run (1–5), the source of the employee's satisfaction score",
  description: "Only the person who started the run rates it; rating again replaces the rating. A running run is a 409.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AgentRunParams, body: jsonBody(AgentRunRating) },
  responses: { 200: json(AgentRunSchema, "The rated run"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { agent_id, run_id } = c.req.valid("param");
  return c.json(await rateAgentRun(c.var.ctx, agent_id, run_id, c.req.valid("json")), 200);
};

export const registerRateAgentRun = (r: Router) => r.openapi(route, handler);
