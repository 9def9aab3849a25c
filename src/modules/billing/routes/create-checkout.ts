import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CheckoutBody, CheckoutSchema } from "../schemas";
import { checkoutSubscription } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/billing/checkout",
  tags: ["Billing"],
  summary: "Create a Stripe Checkout session for subscription with trial.",
  description:
    "Owner or admin. Returns the hosted Checkout URL; the tier's trial applies once per workspace. Redirect URLs must be pages of the app. 409 when a subscription exists (use change-plan).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(CheckoutBody) },
  responses: { 200: json(CheckoutSchema, "Checkout session"), ...errorResponses(401, 403, 409, 502) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await checkoutSubscription(c.var.ctx, c.req.valid("json")), 200);

export const registerCreateCheckout = (r: Router) => r.openapi(route, handler);
