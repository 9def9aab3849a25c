import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationTypeParam, OAuthCallbackBody, OAuthConnectedSchema } from "../schemas";
import { completeOAuth } from "../service/oauth-flow";

const route = createRoute({
  method: "post",
  path: "/api/v1/integrations/oauth/{integration_type}/callback",
  tags: ["Integrations & Data / Integrations"],
  summary: "Handle OAuth callback from integration provider.",
  description:
    "Body {code, state}. The state must be valid, unused, for this integration type, issued by …/initiate (a state from /api/v1/oauth/…/url belongs to the provider's redirect) and issued to the caller in this workspace (else 400, and nothing is stored); then the code is exchanged, the account read, and the integration created or updated (tokens encrypted, never returned).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationTypeParam, body: jsonBody(OAuthCallbackBody) },
  responses: { 200: json(OAuthConnectedSchema, "Connected"), ...errorResponses(400, 401, 403, 404, 422, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await completeOAuth(c.var.ctx, c.req.valid("param").integration_type, c.req.valid("json"), true), 200);

export const registerOAuthCallback = (r: Router) => r.openapi(route, handler);
