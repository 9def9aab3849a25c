import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WebhookCreate, WebhookSchema } from "../schemas";
import { createWebhook } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/webhooks",
  tags: ["Webhooks"],
  summary: "Create a new webhook.",
  description:
    'Subscribes an https URL to event types (or ["*"]). Deliveries are signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`, `webhook-signature`), so receivers verify them with any Standard Webhooks library and this `whsec_` secret, which is shown only in this answer. URLs must be https and may not name private, loopback, link-local, CGNAT or metadata addresses or internal host names (422 naming the rule). Needs can_manage_webhooks.',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(WebhookCreate) },
  responses: { 201: json(WebhookSchema, "The webhook, with its secret (shown once)"), ...errorResponses(401, 403, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createWebhook(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateWebhook = (r: Router) => r.openapi(route, handler);
