import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { InviteCodeParam, PaymentInviteSchema } from "../schemas";
import { getPaymentInvite } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/auth/stripe-invite/{invite_code}",
  tags: ["Authentication"],
  summary: "Get details about a Stripe payment invite.",
  description: "No authentication: the invite code is the authentication. Used and expired invites report is_valid=false.",
  middleware: [limitByIp("token")] as const,
  request: { params: InviteCodeParam },
  responses: { 200: json(PaymentInviteSchema, "The invite"), ...errorResponses(404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getPaymentInvite(c.var.ctx, c.req.valid("param").invite_code), 200);

export const registerGetStripeInvite = (r: Router) => r.openapi(route, handler);
