import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { LookupInviteRequest, PaymentInviteSchema } from "../schemas";
import { lookupPaymentInvite } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/lookup-invite",
  tags: ["Authentication"],
  summary: "Look up a payment invite by email address.",
  description:
    "With `access_code`: returns the newest pending invite for the email only when the code matches (a wrong code and an " +
    "unknown email are the same 404; 5 wrong codes per email per 15 minutes, then 429). Without it: emails the " +
    "registration link to the invite's own address and answers 202 whether or not an invite exists. The invite code is " +
    "never returned to a caller who has not proven the access code. Rate limited per client IP and per email.",
  middleware: [limitByIp("email")] as const,
  request: { body: jsonBody(LookupInviteRequest) },
  responses: {
    200: json(PaymentInviteSchema.extend({ access_code_valid: z.boolean().optional() }), "The invite (access code proven)"),
    202: json(z.object({ message: z.string() }).openapi("PaymentInviteEmailed"), "If an invite exists, its link was emailed"),
    ...errorResponses(404, 429),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const r = await lookupPaymentInvite(c.var.ctx, c.req.valid("json"));
  if (r.kind === "found") return c.json(r.invite, 200);
  return c.json({ message: "If a pending invite exists for this email, a link to finish signing up has been sent to it" }, 202);
};

export const registerLookupInvite = (r: Router) => r.openapi(route, handler);
