import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentPageSchema, ListAgentsQuery } from "../schemas";
import { listAgents } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/agents",
  tags: ["AI Employees"],
  summary: "List the workspace's AI employees",
  description:
    "The built-in roster (seeded into the workspace on first use) and custom employees: built-ins first, then by " +
    "name. Filters: category, status, tier, search (name, role, description), is_builtin. `skip`/`limit` paginate " +
    "(limit at most 100). Every member of the workspace may list them.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListAgentsQuery },
  responses: { 200: json(AgentPageSchema, "Employees"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listAgents(c.var.ctx, c.req.valid("query")), 200);

export const registerListAgents = (r: Router) => r.openapi(route, handler);
