import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RegenerateSecretBody, WebhookIdParam, WebhookSchema } from "../schemas";
import { regenerateWebhookSecret } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{webhook_id}/regenerate-secret",
  tags: ["Webhooks"],
  summary: "Regenerate the webhook secret.",
  description:
    "Returns the new secret once. The old secret keeps signing for `overlap_seconds` (default 24 h, 0 revokes it now): during that window every delivery carries both signatures in `webhook-signature`, so receivers verifying either secret keep accepting. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: WebhookIdParam, body: jsonBody(RegenerateSecretBody) },
  responses: { 200: json(WebhookSchema, "The webhook, with its new secret (shown once)"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await regenerateWebhookSecret(c.var.ctx, c.req.valid("param").webhook_id, c.req.valid("json").overlap_seconds), 200);

export const registerRegenerateWebhookSecret = (r: Router) => r.openapi(route, handler);
