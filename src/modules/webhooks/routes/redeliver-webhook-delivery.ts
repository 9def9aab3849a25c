import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DeliveryIdParam, DeliverySchema } from "../schemas";
import { redeliver } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
  tags: ["Webhooks"],
  summary: "Send one delivery again.",
  description:
    "Restarts the delivery at attempt 1 with the same `webhook-id`, so receivers can deduplicate. 409 while an attempt is running or the webhook is disabled. Needs can_manage_webhooks.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DeliveryIdParam },
  responses: { 202: json(DeliverySchema, "Queued"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await redeliver(c.var.ctx, c.req.valid("param").webhook_id, c.req.valid("param").delivery_id), 202);

export const registerRedeliverWebhookDelivery = (r: Router) => r.openapi(route, handler);
