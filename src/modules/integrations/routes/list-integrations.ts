import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationSchema, ListIntegrationsQuery } from "../schemas";
import { listIntegrations } from "../service/crud";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations",
  tags: ["Integrations & Data / Integrations"],
  summary: "List all connected integrations for the current workspace.",
  description:
    "Filters: type, status (connected, needs_reauth, error), is_active. OAuth tokens are never included. Needs can_view_integration.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListIntegrationsQuery },
  responses: { 200: json(z.array(IntegrationSchema), "Integrations"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listIntegrations(c.var.ctx, c.req.valid("query")), 200);

export const registerListIntegrations = (r: Router) => r.openapi(route, handler);
