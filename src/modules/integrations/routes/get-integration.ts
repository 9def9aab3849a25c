import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationIdParam, IntegrationSchema } from "../schemas";
import { getIntegration } from "../service/crud";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/{integration_id}",
  tags: ["Integrations & Data / Integrations"],
  summary: "Get a specific integration by ID.",
  description: "OAuth tokens are never included. Another workspace's integration is a 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationIdParam },
  responses: { 200: json(IntegrationSchema, "The integration"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getIntegration(c.var.ctx, c.req.valid("param").integration_id), 200);

export const registerGetIntegration = (r: Router) => r.openapi(route, handler);
