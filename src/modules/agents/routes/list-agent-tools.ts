import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AgentToolSchema } from "../schemas";
import { listAgentTools } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/agents/tools",
  tags: ["AI Employees"],
  summary: "The tool registry employees act through",
  description:
    "Every tool with the capability that grants it and the JSON Schema of its arguments. An employee may call the " +
    "tools whose capability is among its capabilities.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(z.array(AgentToolSchema), "Tools"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(listAgentTools(), 200);

export const registerListAgentTools = (r: Router) => r.openapi(route, handler);
