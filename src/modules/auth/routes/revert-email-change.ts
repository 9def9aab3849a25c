import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { EmailChangeRevertRequest, EmailChangeRevertSchema } from "../schemas";
import { revertEmailChange } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/email-change/revert",
  tags: ["Authentication"],
  summary: "Undo an email change with the link sent to the old address",
  description:
    "No authentication: the token from the email sent to the previous address when a user changed their own email " +
    "(PUT /api/v1/auth/me) is the credential; single use, valid 7 days. Puts the previous address back, signs the " +
    "account out everywhere (every refresh token is revoked), voids pending password reset links and the undo links " +
    "of later email changes, and returns a password reset link (1 hour) for setting a new password. 401 for an " +
    "unknown, used or expired token; 409 when another account now uses the previous address.",
  middleware: [limitByIp("token")] as const,
  request: { body: jsonBody(EmailChangeRevertRequest) },
  responses: { 200: json(EmailChangeRevertSchema, "The email change was undone"), ...errorResponses(401, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await revertEmailChange(c.var.ctx, c.req.valid("json")), 200);

export const registerRevertEmailChange = (r: Router) => r.openapi(route, handler);
