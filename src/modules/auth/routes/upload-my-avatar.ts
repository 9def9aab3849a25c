import { createRoute } from "@hono/zod-openapi";
import { actorUserId } from "../../../platform/context";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { optionalWorkspace, requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { AvatarSchema, AvatarUploadBody } from "../schemas";
import { uploadAvatar } from "../service";
import { fileFromForm } from "./upload";

const route = createRoute({
  method: "post",
  path: "/api/v1/auth/me/avatar",
  tags: ["Authentication"],
  summary: "Upload profile picture for current user",
  security: bearerSecurity,
  middleware: [requireUser(), optionalWorkspace()] as const,
  request: { body: { required: true, content: { "multipart/form-data": { schema: AvatarUploadBody } } } },
  responses: { 200: json(AvatarSchema, "Stored; avatar_url updated"), ...errorResponses(401, 413, 415) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const ctx = c.var.ctx;
  return c.json(await uploadAvatar(ctx, actorUserId(ctx), await fileFromForm(c.req.valid("form").file)), 200);
};

export const registerUploadMyAvatar = (r: Router) => r.openapi(route, handler);
