import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationIdParam, IntegrationSchema } from "../schemas";
import { toggleIntegration } from "../service/crud";

const route = createRoute({
  method: "post",
  path: "/api/v1/integrations/{integration_id}/toggle",
  tags: ["Integrations & Data / Integrations"],
  summary: "Toggle integration active status (enable/disable).",
  description: "A disabled integration does not sync (a queued run is cancelled) and cannot be queried. Needs can_manage_integration.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationIdParam },
  responses: { 200: json(IntegrationSchema, "Updated"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await toggleIntegration(c.var.ctx, c.req.valid("param").integration_id), 200);

export const registerToggleIntegration = (r: Router) => r.openapi(route, handler);
