import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentIdParam, AgentRunCreate, AgentRunSchema, MAX_STEPS } from "../schemas";
import { runAgent } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/agents/{agent_id}/run",
  tags: ["AI Employees"],
  summary: "Give an AI employee an instruction and run it to the end (requires can_use_ai)",
  description:
    `The employee works in a tool loop of at most ${MAX_STEPS} model calls (\`max_steps\`): each call may ask for ` +
    "tools, which act in the workspace as the employee within YOUR permissions; failed tool calls go back to the " +
    "model as errors. Returns the run with every model step, tool call and tool result. A run reaching the step " +
    "limit ends `failed` with `hit_step_limit`; one stopped (POST /agents/{agent_id}/stop) ends `stopped`. " +
    "Disabled or offline employees are a 409; model and credit errors (422, 402, 502, 504) come from the AI gateway.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AgentIdParam, body: jsonBody(AgentRunCreate) },
  responses: { 201: json(AgentRunSchema, "The finished run"), ...errorResponses(401, 402, 403, 404, 409, 413, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await runAgent({ ctx: c.var.ctx, agentId: c.req.valid("param").agent_id, input: c.req.valid("json") }), 201);

export const registerRunAgent = (r: Router) => r.openapi(route, handler);
