import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody, MessageSchema } from "../../../platform/openapi";
import { PasswordResetRequest } from "../schemas";
import { requestPasswordReset } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/request-password-reset",
  tags: ["Authentication"],
  summary: "Request a password reset email",
  description: "Always answers 200 with the same message, even if the user does not exist. The link is valid for 1 hour, once.",
  middleware: [limitByIp("email")] as const,
  request: { body: jsonBody(PasswordResetRequest) },
  responses: { 200: json(MessageSchema, "Accepted"), ...errorResponses() },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await requestPasswordReset(c.var.ctx, c.req.valid("json")), 200);

export const registerRequestPasswordReset = (r: Router) => r.openapi(route, handler);
