import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json } from "../../../platform/openapi";
import { ActivationValidateQuery, ActivationValidateSchema } from "../schemas";
import { validateActivation } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/auth/activate/validate",
  tags: ["Authentication"],
  summary: "Validate an activation token.",
  description: "No authentication: the token is the authentication. Does not use the token up.",
  middleware: [limitByIp("token")] as const,
  request: { query: ActivationValidateQuery },
  responses: { 200: json(ActivationValidateSchema, "The token is valid"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await validateActivation(c.var.ctx, c.req.valid("query")), 200);

export const registerValidateActivation = (r: Router) => r.openapi(route, handler);
