import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { LookupInviteRequest, PaymentInviteSchema } from "../schemas";
import { lookupPaymentInvite } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/lookup-invite",
  tags: ["Authentication"],
  summary: "Look up a payment invite by email address.",
  description: "Finds the newest pending invite for the email. The access code is checked and reported, not enforced.",
  request: { body: jsonBody(LookupInviteRequest) },
  responses: {
    200: json(PaymentInviteSchema.extend({ access_code_valid: z.boolean().optional() }), "The invite"),
    ...errorResponses(404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await lookupPaymentInvite(c.var.ctx, c.req.valid("json")), 200);

export const registerLookupInvite = (r: Router) => r.openapi(route, handler);
