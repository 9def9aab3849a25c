import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CheckoutSchema, OneTimeCheckoutBody } from "../schemas";
import { checkoutOneTime } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/checkout/one-time",
  tags: ["Billing"],
  summary: "Create a Stripe Checkout session for a one-time payment (non-subscription).",
  description:
    "Owner or admin. Either `tier` (a plan for the tier's duration_months) or `credits` (a credit pack: 1000, 5000, 20000), landing once in the ledger when paid.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(OneTimeCheckoutBody) },
  responses: { 200: json(CheckoutSchema, "Checkout session"), ...errorResponses(401, 403, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await checkoutOneTime(c.var.ctx, c.req.valid("json")), 200);

export const registerCreateOneTimeCheckout = (r: Router) => r.openapi(route, handler);
