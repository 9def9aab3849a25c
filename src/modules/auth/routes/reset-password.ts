import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody, MessageSchema } from "../../../platform/openapi";
import { ResetPasswordRequest } from "../schemas";
import { resetPassword } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/reset-password",
  tags: ["Authentication"],
  summary: "Reset password using the token from email",
  description: "Validates the token (1 hour, single use), sets the password and signs out all existing sessions.",
  middleware: [limitByIp("token")] as const,
  request: { body: jsonBody(ResetPasswordRequest) },
  responses: { 200: json(MessageSchema, "Password reset"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await resetPassword(c.var.ctx, c.req.valid("json")), 200);

export const registerResetPassword = (r: Router) => r.openapi(route, handler);
