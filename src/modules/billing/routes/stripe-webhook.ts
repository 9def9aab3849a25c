import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { WebhookAckSchema } from "../schemas";
import { receiveStripeWebhook } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/webhook",
  tags: ["Billing"],
  summary: "Receive Stripe webhook events.",
  description:
    "Stripe's endpoint (rate limited per IP). The Stripe-Signature header is verified over the raw body (300 s tolerance): " +
    "bad or old → 400 and nothing changes. Each event id takes effect once; a redelivery is a 200 no-op. Events may arrive " +
    "in any order: an older subscription snapshot makes Atrium fetch the live subscription.",
  middleware: [limitByIp("read")] as const,
  responses: { 200: json(WebhookAckSchema, "Received"), ...errorResponses(400, 429, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await receiveStripeWebhook(c.var.ctx, await c.req.text(), c.req.header("stripe-signature")), 200);

export const registerStripeWebhook = (r: Router) => r.openapi(route, handler);
