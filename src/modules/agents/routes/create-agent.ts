import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentCreate, AgentSchema } from "../schemas";
import { createAgent } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/agents",
  tags: ["AI Employees"],
  summary: "Create a custom AI employee (requires can_manage_agents)",
  description:
    "The employee gets its own workspace member, which authors what it creates. `capabilities` choose its tools " +
    "(GET /agents/tools); the slug defaults to one made from the name, and built-in slugs are reserved (409).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(AgentCreate) },
  responses: { 201: json(AgentSchema, "The new employee"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createAgent({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCreateAgent = (r: Router) => r.openapi(route, handler);
