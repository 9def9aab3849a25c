import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { SignupResponseSchema, StripeInviteSignupRequest } from "../schemas";
import { signupWithInvite } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/signup/stripe-invite",
  tags: ["Authentication"],
  summary: "Complete registration using a Stripe payment invite.",
  description: "The invite code is the authentication. Password is optional when clerk_id is given.",
  middleware: [limitByIp("signup")] as const,
  request: { body: jsonBody(StripeInviteSignupRequest) },
  responses: { 201: json(SignupResponseSchema, "Signed up and signed in"), ...errorResponses(404, 409, 500) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await signupWithInvite({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerSignupStripeInvite = (r: Router) => r.openapi(route, handler);
