import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DisconnectResultSchema, IntegrationIdParam } from "../schemas";
import { disconnectIntegration } from "../service/crud";

const route = createRoute({
  method: "delete",
  path: "/api/v1/integrations/{integration_id}",
  tags: ["Integrations & Data / Integrations"],
  summary: "Disconnect (delete) an integration.",
  description:
    "Revokes the grant at the provider (reported in revoked/revocation_detail; tokens are deleted either way), then deletes the integration, its runs, its synced rows and its virtual recordsets. Needs can_manage_integration.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationIdParam },
  responses: { 200: json(DisconnectResultSchema, "Disconnected"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await disconnectIntegration(c.var.ctx, c.req.valid("param").integration_id), 200);

export const registerDisconnectIntegration = (r: Router) => r.openapi(route, handler);
