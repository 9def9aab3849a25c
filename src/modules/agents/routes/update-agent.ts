import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentIdParam, AgentSchema, AgentUpdate } from "../schemas";
import { updateAgent } from "../service";

const route = createRoute({
  method: "patch",
  path: "/api/v1/agents/{agent_id}",
  tags: ["AI Employees"],
  summary: "Update an AI employee (requires can_manage_agents)",
  description:
    "Custom employees take any field. Built-ins take only `status` (e.g. `disabled`, which stops new work), " +
    "`model` and `avatar`; other fields are a 422.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AgentIdParam, body: jsonBody(AgentUpdate) },
  responses: { 200: json(AgentSchema, "The employee"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateAgent({ ctx: c.var.ctx, agentId: c.req.valid("param").agent_id, input: c.req.valid("json") }), 200);

export const registerUpdateAgent = (r: Router) => r.openapi(route, handler);
