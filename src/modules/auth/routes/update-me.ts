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
  description:
    "Changing the email needs current_password (422 when missing, 403 when wrong); the old address is then sent a " +
    "single-use link (7 days) that undoes the change (POST /api/v1/auth/email-change/revert). 409 when the email is taken.",
  security: bearerSecurity,
  middleware: [requireUser(), optionalWorkspace()] as const,
  request: { body: jsonBody(UpdateMeRequest) },
  responses: { 200: json(UserSchema, "The updated user"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await updateMe(c.var.ctx, c.req.valid("json")), 200);

export const registerUpdateMe = (r: Router) => r.openapi(route, handler);
