import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { optionalWorkspace, requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { UserIdParam, UserSchema } from "../schemas";
import { getUserById } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/auth/{user_id}",
  tags: ["Authentication"],
  summary: "Get user information by ID",
  description: "Visible when you share a workspace where your role is the same or higher than theirs; otherwise 404.",
  security: bearerSecurity,
  middleware: [requireUser(), optionalWorkspace()] as const,
  request: { params: UserIdParam },
  responses: { 200: json(UserSchema, "The user"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getUserById(c.var.ctx, c.req.valid("param").user_id), 200);

export const registerGetUser = (r: Router) => r.openapi(route, handler);
