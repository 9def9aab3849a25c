import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { MeQuery, MeSchema } from "../schemas";
import { getMe } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/auth/me",
  tags: ["Authentication"],
  summary: "Get current user information.",
  description: "With workspace_id, also returns the member record for that workspace (404 if you are not a member).",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { query: MeQuery },
  responses: { 200: json(MeSchema, "The current user"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getMe(c.var.ctx, c.req.valid("query")), 200);

export const registerGetMe = (r: Router) => r.openapi(route, handler);
