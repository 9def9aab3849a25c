import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { optionalWorkspace, requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { AvatarSchema, AvatarUploadBody, UserIdParam } from "../schemas";
import { uploadAvatar } from "../service";
import { fileFromForm } from "./upload";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/{user_id}/avatar",
  tags: ["Authentication"],
  summary: "Upload profile picture for a user",
  description: "Yourself, or (as admin/owner with rank at least theirs in a shared workspace) another user.",
  security: bearerSecurity,
  middleware: [requireUser(), optionalWorkspace()] as const,
  request: { params: UserIdParam, body: { required: true, content: { "multipart/form-data": { schema: AvatarUploadBody } } } },
  responses: { 200: json(AvatarSchema, "Stored; avatar_url updated"), ...errorResponses(401, 403, 404, 413, 415) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await uploadAvatar(c.var.ctx, c.req.valid("param").user_id, await fileFromForm(c.req.valid("form").file)), 200);

export const registerUploadUserAvatar = (r: Router) => r.openapi(route, handler);
