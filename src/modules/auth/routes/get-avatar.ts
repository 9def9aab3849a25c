import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses } from "../../../platform/openapi";
import { AvatarParams } from "../schemas";
import { getAvatar } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/avatars/{user_id}/{filename}",
  tags: ["Authentication"],
  summary: "A user's profile picture",
  description: "Public, like avatars in any chat app; file names are unguessable and never reused.",
  middleware: [limitByIp("read")] as const,
  request: { params: AvatarParams },
  responses: {
    200: { description: "The image", content: { "image/*": { schema: z.string().openapi({ format: "binary" }) } } },
    ...errorResponses(404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { user_id, filename } = c.req.valid("param");
  const a = await getAvatar(c.var.ctx, user_id, filename);
  return new Response(a.body, {
    headers: { "content-type": a.contentType, etag: a.etag, "cache-control": "public, max-age=86400, immutable" },
  });
};

export const registerGetAvatar = (r: Router) => r.openapi(route, handler);
