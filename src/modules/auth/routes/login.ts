import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { AuthSessionSchema, LoginRequest } from "../schemas";
import { login } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  tags: ["Authentication"],
  summary: "Login user",
  middleware: [limitByIp("login")] as const,
  request: { body: jsonBody(LoginRequest) },
  responses: { 200: json(AuthSessionSchema, "Signed in"), ...errorResponses(401, 403) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await login({ ctx: c.var.ctx, input: c.req.valid("json") }), 200);

export const registerLogin = (r: Router) => r.openapi(route, handler);
