import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationTypeParam, OAuthInitiateQuery, OAuthInitiateSchema } from "../schemas";
import { initiateOAuth } from "../service/oauth-flow";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/oauth/{integration_type}/initiate",
  tags: ["Integrations & Data / Integrations"],
  summary: "Initiate OAuth flow for an integration.",
  description:
    "Returns the provider's authorization_url (OAuth 2.0 authorisation code; PKCE S256 where the provider supports it) and the state: signed, bound to this workspace and member, valid 10 minutes, single use. The provider redirects to the web app, which posts code and state to …/callback. Shopify needs ?shop=name.myshopify.com. Needs can_manage_integration.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationTypeParam, query: OAuthInitiateQuery },
  responses: { 200: json(OAuthInitiateSchema, "Where to send the user"), ...errorResponses(401, 403, 404, 422, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await initiateOAuth(c.var.ctx, c.req.valid("param").integration_type, { shop: c.req.valid("query").shop, target: "app" }), 200);

export const registerInitiateOAuth = (r: Router) => r.openapi(route, handler);
