import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentIdParam } from "../schemas";
import { deleteAgent } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/agents/{agent_id}",
  tags: ["AI Employees"],
  summary: "Delete a custom AI employee (requires can_manage_agents)",
  description:
    "Deletes the employee and its runs; its member is deactivated but kept as the author of its past work. " +
    "Built-in employees cannot be deleted (409): set their status to `disabled`.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AgentIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteAgent(c.var.ctx, c.req.valid("param").agent_id);
  return c.body(null, 204);
};

export const registerDeleteAgent = (r: Router) => r.openapi(route, handler);
