import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { RegisterRequest, UserSchema } from "../schemas";
import { registerLegacy } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/register",
  tags: ["Authentication"],
  summary: "Register a new user (legacy endpoint - use /signup for full registration)",
  description: "Creates the user only (no workspace) and emails an activation link; sign-in works after activation.",
  middleware: [limitByIp("signup")] as const,
  request: { body: jsonBody(RegisterRequest) },
  responses: { 201: json(UserSchema, "The new (not yet activated) user"), ...errorResponses(409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await registerLegacy(c.var.ctx, c.req.valid("json")), 201);

export const registerRegister = (r: Router) => r.openapi(route, handler);
