import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody, MessageSchema } from "../../../platform/openapi";
import { ResendActivationRequest } from "../schemas";
import { resendActivation } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/activate/resend",
  tags: ["Authentication"],
  summary: "Resend activation email to a user.",
  description: "Answers the same whether or not the email is known (no account enumeration).",
  middleware: [limitByIp("email")] as const,
  request: { body: jsonBody(ResendActivationRequest) },
  responses: { 200: json(MessageSchema, "Accepted"), ...errorResponses() },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await resendActivation(c.var.ctx, c.req.valid("json")), 200);

export const registerResendActivation = (r: Router) => r.openapi(route, handler);
