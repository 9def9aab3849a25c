import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentIdParam, AgentStopResultSchema, StopAgentQuery } from "../schemas";
import { stopAgent } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/agents/{agent_id}/stop",
  tags: ["AI Employees"],
  summary: "Stop an AI employee's running work",
  description:
    "Stops the run `run_id`, or every running run of the employee you may stop: your own, or all of them with " +
    "can_manage_agents. The run ends `stopped` at its next check (within about half a second while the model is " +
    "answering); a tool call already under way completes. Stopping nothing is not an error (`stopped: 0`).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AgentIdParam, query: StopAgentQuery },
  responses: { 200: json(AgentStopResultSchema, "The runs stopped"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await stopAgent(c.var.ctx, c.req.valid("param").agent_id, c.req.valid("query")), 200);

export const registerStopAgent = (r: Router) => r.openapi(route, handler);
