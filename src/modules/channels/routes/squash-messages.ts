import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMessageParams, SquashQuery, SquashResultSchema } from "../schemas-conversation";
import { squashMessages } from "../service/messages";

const route = createRoute({
  method: "post",
  path: "/api/v1/channels/{channel_slug}/messages/{message_id}/squash",
  tags: ["Channels"],
  summary: "Squash channel messages above or below a specific message.",
  description:
    "This will:\n1. Soft-delete all messages in the specified direction (above = older, below = newer)\n" +
    "2. Create a new summary message with the provided summary (it takes the place of the squashed messages)\n" +
    "3. Link the soft-deleted messages to the summary (for restoration: POST …/restore)\n" +
    "Only workspace admins/owners or channel admins can perform this action.\n" +
    "• direction=above: Squash messages created BEFORE the reference message (older messages)\n" +
    "• direction=below: Squash messages created AFTER the reference message (newer messages)\n" +
    'Nothing to squash is a 400. Published as "messages_squashed".',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelMessageParams, query: SquashQuery },
  responses: { 200: json(SquashResultSchema, "The summary and what it hides"), ...errorResponses(400, 401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, message_id } = c.req.valid("param");
  return c.json(await squashMessages(c.var.ctx, channel_slug, message_id, c.req.valid("query")), 200);
};

export const registerSquashMessages = (r: Router) => r.openapi(route, handler);
