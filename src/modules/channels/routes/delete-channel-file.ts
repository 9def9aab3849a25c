import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelFileParams } from "../schemas";
import { deleteChannelFile } from "../service/files";

const route = createRoute({
  method: "delete",
  path: "/api/v1/channels/{channel_slug}/files/{file_id}",
  tags: ["Channels"],
  summary: "Delete a file from a channel",
  description: "The uploader or a channel manager; the stored bytes are removed too.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelFileParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, file_id } = c.req.valid("param");
  await deleteChannelFile(c.var.ctx, channel_slug, file_id);
  return c.body(null, 204);
};

export const registerDeleteChannelFile = (r: Router) => r.openapi(route, handler);
