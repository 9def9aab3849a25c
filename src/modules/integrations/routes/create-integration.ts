import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationCreate, IntegrationSchema } from "../schemas";
import { createIntegration } from "../service/crud";

const route = createRoute({
  method: "post",
  path: "/api/v1/integrations",
  tags: ["Integrations & Data / Integrations"],
  summary: "Create a new integration connection.",
  description:
    "For integrations that take a token directly (Shopify custom-app token with shop_domain, Meta system-user token): the token is checked at the provider, then stored AES-GCM encrypted and never returned. OAuth integrations are created by the OAuth callback. One connection per integration type (409). Needs can_manage_integration (admins).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(IntegrationCreate) },
  responses: { 201: json(IntegrationSchema, "Connected"), ...errorResponses(400, 401, 403, 404, 409, 422, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createIntegration(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateIntegration = (r: Router) => r.openapi(route, handler);
