import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { fileFromForm } from "../../auth/routes/upload";
import { AvatarUploadBody } from "../../auth/schemas";
import { MemberAvatarSchema, MemberIdParam } from "../schemas";
import { uploadMemberAvatar } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/members/{member_id}/avatar",
  tags: ["Members"],
  summary: "Upload a profile avatar for a member.",
  description: "Members upload their own; admins and owners anyone's. PNG, JPEG, GIF or WebP up to 5 MB, stored in R2.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: MemberIdParam,
    body: { required: true, content: { "multipart/form-data": { schema: AvatarUploadBody } } },
  },
  responses: { 200: json(MemberAvatarSchema, "Stored"), ...errorResponses(401, 403, 404, 413, 415) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await uploadMemberAvatar(c.var.ctx, c.req.valid("param").member_id, await fileFromForm(c.req.valid("form").file)), 200);

export const registerUploadMemberAvatar = (r: Router) => r.openapi(route, handler);
