import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { ActivateRequest, AuthSessionSchema } from "../schemas";
import { activate } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/activate",
  tags: ["Authentication"],
  summary: "Complete account activation by setting password.",
  description: "No authentication: the token is the authentication (single use). Returns a session.",
  middleware: [limitByIp("token")] as const,
  request: { body: jsonBody(ActivateRequest) },
  responses: { 200: json(AuthSessionSchema, "Activated and signed in"), ...errorResponses(401, 403) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await activate(c.var.ctx, c.req.valid("json")), 200);

export const registerActivate = (r: Router) => r.openapi(route, handler);
