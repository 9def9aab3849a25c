import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { OAuthInitiateSchema } from "../schemas";
import { initiateOAuth } from "../service/oauth-flow";

const route = createRoute({
  method: "get",
  path: "/api/v1/oauth/slack/url",
  tags: ["Integrations & Data / Integrations - OAuth"],
  summary: "Generate Slack OAuth URL (authenticated endpoint).",
  description:
    "The Slack authorisation URL (redirecting back to /api/v1/oauth/slack/callback) and its state: signed, bound to this workspace and member, 10 minutes, single use. Needs can_manage_integration.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(OAuthInitiateSchema, "Where to send the user"), ...errorResponses(401, 403, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await initiateOAuth(c.var.ctx, "slack", { target: "api" }), 200);

export const registerSlackOAuthUrl = (r: Router) => r.openapi(route, handler);
