import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChannelMessageParams, ChannelMessageSchema, MessageUpdate } from "../schemas-conversation";
import { updateMessage } from "../service/messages";

const route = createRoute({
  method: "put",
  path: "/api/v1/channels/{channel_slug}/messages/{message_id}",
  tags: ["Channels"],
  summary: "Update a message",
  description:
    "Only the author edits a message (another member's is 403). Sets edited_at; newly mentioned members are notified; " +
    'published as "message_updated".',
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ChannelMessageParams, body: jsonBody(MessageUpdate) },
  responses: { 200: json(ChannelMessageSchema, "The edited message"), ...errorResponses(401, 403, 404, 413, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { channel_slug, message_id } = c.req.valid("param");
  return c.json(await updateMessage(c.var.ctx, channel_slug, message_id, c.req.valid("json")), 200);
};

export const registerUpdateMessage = (r: Router) => r.openapi(route, handler);
