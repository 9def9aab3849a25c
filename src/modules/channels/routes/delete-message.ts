import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMessageParams } from "../schemas-conversation";
import { deleteMessage } from "../service/messages";

const route = createRoute({
  method: "delete",
  path: "/api/v1/channels/{channel_slug}/messages/{message_id}",
  tags: ["Channels"],
  summary: "Delete a message",
  description:
    "Soft delete by the author, or by a channel manager (workspace admins/owners, channel admins). " +
    'Published as "message_deleted" {id, seq, …}.',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelMessageParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, message_id } = c.req.valid("param");
  await deleteMessage(c.var.ctx, channel_slug, message_id);
  return c.body(null, 204);
};

export const registerDeleteMessage = (r: Router) => r.openapi(route, handler);
