import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { SignupJobSchema, StripeInviteSignupRequest } from "../schemas";
import { startSignupWithInvite } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/signup/stripe-invite/async",
  tags: ["Authentication"],
  summary: "Async signup with streaming progress.",
  description:
    "Validates and claims the invite, then provisions in the background. Connect to `stream_url` (SSE) for progress; " +
    "the COMPLETED event carries access_token, refresh_token, workspace_id and workspace_name.",
  middleware: [limitByIp("signup")] as const,
  request: { body: jsonBody(StripeInviteSignupRequest) },
  responses: { 200: json(SignupJobSchema, "The provisioning job"), ...errorResponses(404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await startSignupWithInvite({ ctx: c.var.ctx, input: c.req.valid("json") }), 200);

export const registerSignupStripeInviteAsync = (r: Router) => r.openapi(route, handler);
