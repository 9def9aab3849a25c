import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { RefreshRequest, TokenSchema } from "../schemas";
import { refresh } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/refresh",
  tags: ["Authentication"],
  summary: "Refresh access token",
  description: "Rotates the refresh token: the one sent stops working. Sending a used one again revokes the whole session.",
  middleware: [limitByIp("token")] as const,
  request: { body: jsonBody(RefreshRequest) },
  responses: { 200: json(TokenSchema, "New token pair"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await refresh({ ctx: c.var.ctx, input: c.req.valid("json") }), 200);

export const registerRefresh = (r: Router) => r.openapi(route, handler);
