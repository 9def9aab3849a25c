import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { SignupRequest, SignupResponseSchema } from "../schemas";
import { signup } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/signup",
  tags: ["Authentication"],
  summary: "Complete registration flow with workspace creation and Stripe trial.",
  description:
    "Creates the user, a workspace named after the company, its own database (template clone with migrations) and " +
    "the owner's member record, then signs in. All or nothing: a failure leaves no user behind.",
  middleware: [limitByIp("signup")] as const,
  request: { body: jsonBody(SignupRequest) },
  responses: { 201: json(SignupResponseSchema, "Signed up and signed in"), ...errorResponses(409, 500) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await signup({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerSignup = (r: Router) => r.openapi(route, handler);
