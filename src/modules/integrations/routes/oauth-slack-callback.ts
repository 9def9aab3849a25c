import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { OAuthCallbackQuery, OAuthConnectedSchema } from "../schemas";
import { completeOAuth } from "../service/oauth-flow";

const route = createRoute({
  method: "get",
  path: "/api/v1/oauth/slack/callback",
  tags: ["Integrations & Data / Integrations - OAuth"],
  summary: "Slack OAuth callback - receives authorization code and exchanges for access token.",
  description:
    "Called by Slack in the user's browser, without our credentials: the workspace and member come only from the verified state (signature, 10 minutes, single use, member still active and allowed to manage integrations); a forged or replayed state is a 400 and nothing is stored. Rate limited per IP.",
  security: [],
  middleware: [limitByIp("token")] as const,
  request: { query: OAuthCallbackQuery },
  responses: { 200: json(OAuthConnectedSchema, "Connected"), ...errorResponses(400, 403, 429, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await completeOAuth(c.var.ctx, "slack", c.req.valid("query"), false), 200);

export const registerSlackOAuthCallback = (r: Router) => r.openapi(route, handler);
