import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentDetailSchema, AgentIdParam } from "../schemas";
import { getAgent } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/agents/{agent_id}",
  tags: ["AI Employees"],
  summary: "Get an AI employee, with its last 7 days' stats",
  description: "`agent_id` is the employee's id or slug (e.g. `atlas`).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AgentIdParam },
  responses: { 200: json(AgentDetailSchema, "The employee"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getAgent(c.var.ctx, c.req.valid("param").agent_id), 200);

export const registerGetAgent = (r: Router) => r.openapi(route, handler);
