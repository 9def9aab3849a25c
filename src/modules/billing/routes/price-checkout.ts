import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses } from "../../../platform/openapi";
import { PriceIdParam, PriceLinkQuery } from "../schemas";
import { priceLinkCheckout } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/prices/{price_id}/checkout",
  tags: ["Billing"],
  summary: "Create a Stripe Checkout session from a price ID and redirect to it.",
  description:
    "Public (affiliate and direct product links; rate limited per IP). 302 to Stripe Checkout for one of Atrium's prices; " +
    "a price that is not ours → 404. `ref` is kept as affiliate_code; `days` sets the trial of a subscription price (0: pay now; " +
    "default the tier's). After payment the buyer gets a payment invite to create the account.",
  middleware: [limitByIp("token")] as const,
  request: { params: PriceIdParam, query: PriceLinkQuery },
  responses: { 302: { description: "Redirect to Stripe Checkout" }, ...errorResponses(404, 429, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const q = c.req.valid("query");
  const url = await priceLinkCheckout(c.var.ctx, c.req.valid("param").price_id, { ref: q.ref, days: q.days });
  c.header("cache-control", "no-store");
  return c.redirect(url, 302);
};

export const registerPriceCheckout = (r: Router) => r.openapi(route, handler);
