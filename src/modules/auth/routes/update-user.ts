import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { optionalWorkspace, requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody } from "../../../platform/openapi";
import { UpdateUserRequest, UserIdParam, UserSchema } from "../schemas";
import { updateUserById } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/auth/{user_id}",
  tags: ["Authentication"],
  summary: "Update user profile by ID",
  description:
    "Needs admin or owner rank at least the user's in a shared workspace. Can update name, email, title, phone, bio, " +
    "avatar_url and role; a role change applies to the workspace in X-Workspace-Id and cannot exceed your own role. " +
    "Someone else's email needs a strictly higher role and an account in that workspace alone (the old address is " +
    "told); your own needs current_password, as with PUT /api/v1/auth/me.",
  security: bearerSecurity,
  middleware: [requireUser(), optionalWorkspace()] as const,
  request: { params: UserIdParam, body: jsonBody(UpdateUserRequest) },
  responses: { 200: json(UserSchema, "The updated user"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateUserById(c.var.ctx, c.req.valid("param").user_id, c.req.valid("json")), 200);

export const registerUpdateUser = (r: Router) => r.openapi(route, handler);
