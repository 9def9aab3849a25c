import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { AuthSessionSchema, ImpersonationExchangeRequest } from "../schemas";
import { exchangeImpersonation } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/impersonation/exchange",
  tags: ["Authentication"],
  summary: "Exchange an impersonation token for user authentication tokens.",
  description: "The token must be a valid, unexpired impersonation token (type=impersonation) of an active user.",
  middleware: [limitByIp("token")] as const,
  request: { body: jsonBody(ImpersonationExchangeRequest) },
  responses: { 200: json(AuthSessionSchema, "A session of the impersonated user"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await exchangeImpersonation(c.var.ctx, c.req.valid("json")), 200);

export const registerImpersonationExchange = (r: Router) => r.openapi(route, handler);
