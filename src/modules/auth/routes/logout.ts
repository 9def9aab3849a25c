import { createRoute } from "@hono/zod-openapi";
import { actorUserId } from "../../../platform/context";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, MessageSchema } from "../../../platform/openapi";
import { LogoutRequest } from "../schemas";
import { logout } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  tags: ["Authentication"],
  summary: "Logout user (client should delete tokens)",
  description: "Revokes the given refresh token's session (or every session with all_sessions). Access tokens expire on their own.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { body: { required: false, content: { "application/json": { schema: LogoutRequest } } } },
  responses: { 200: json(MessageSchema, "Logged out"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const ctx = c.var.ctx;
  const input = c.req.valid("json") ?? { all_sessions: false };
  return c.json(await logout({ ctx, userId: actorUserId(ctx), input }), 200);
};

export const registerLogout = (r: Router) => r.openapi(route, handler);
