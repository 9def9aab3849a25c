import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMessageParams, RestoreResultSchema } from "../schemas-conversation";
import { restoreSquashed } from "../service/messages";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/messages/{message_id}/restore",
  tags: ["Channels"],
  summary: "Restore messages that were squashed into a summary.",
  description:
    "This will:\n1. Un-delete all messages linked to this summary (clear deleted_at and squashed_into_id)\n" +
    "2. Delete the summary message\n3. Give the messages back their places in the channel (their seqs)\n" +
    "Only workspace admins/owners or channel admins can perform this action. A summary that is itself squashed into " +
    'another is a 409 (restore the outer one first). Published as "messages_restored".',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelMessageParams },
  responses: { 200: json(RestoreResultSchema, "The restored messages"), ...errorResponses(401, 403, 404, 409, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, message_id } = c.req.valid("param");
  return c.json(await restoreSquashed(c.var.ctx, channel_slug, message_id), 200);
};

export const registerRestoreSquashed = (r: Router) => r.openapi(route, handler);
