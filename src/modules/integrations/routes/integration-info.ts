import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationIdParam, IntegrationInfoSchema } from "../schemas";
import { integrationInfo } from "../service/crud";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/{integration_id}/info",
  tags: ["Integrations & Data / Integrations"],
  summary: "Get detailed information about an integration including record counts.",
  description: "Rows synced per staging table and in total, and the virtual recordsets over them.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationIdParam },
  responses: { 200: json(IntegrationInfoSchema, "Info"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await integrationInfo(c.var.ctx, c.req.valid("param").integration_id), 200);

export const registerIntegrationInfo = (r: Router) => r.openapi(route, handler);
