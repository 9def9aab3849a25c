import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationIdParam, IntegrationSchema, IntegrationUpdate } from "../schemas";
import { updateIntegration } from "../service/crud";

const route = createRoute({
  method: "put",
  path: "/api/v1/integrations/{integration_id}",
  tags: ["Integrations & Data / Integrations"],
  summary: "Update an integration's settings.",
  description:
    "name and settings (sync_page_size 1-250; ad_account_id for Meta Ads); other settings are a 422. Needs can_manage_integration.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationIdParam, body: jsonBody(IntegrationUpdate) },
  responses: { 200: json(IntegrationSchema, "Updated"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateIntegration(c.var.ctx, c.req.valid("param").integration_id, c.req.valid("json")), 200);

export const registerUpdateIntegration = (r: Router) => r.openapi(route, handler);
