import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { optionalWorkspace, requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody } from "../../../platform/openapi";
import { UpdateMeRequest, UserSchema } from "../schemas";
import { updateMe } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/auth/me",
  tags: ["Authentication"],
  summary: "Update current user profile",
  security: bearerSecurity,
  middleware: [requireUser(), optionalWorkspace()] as const,
  request: { body: jsonBody(UpdateMeRequest) },
  responses: { 200: json(UserSchema, "The updated user"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await updateMe(c.var.ctx, c.req.valid("json")), 200);

export const registerUpdateMe = (r: Router) => r.openapi(route, handler);
