import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ListMessagesQuery, MessagePageSchema, SlugParam } from "../schemas-conversation";
import { listMessages } from "../service/messages";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/messages",
  tags: ["Channels"],
  summary: "List messages for a channel with cursor-based pagination.",
  description:
    "• Default: the most recent `limit` messages (default 50, at most 100)\n" +
    "• `before`: older messages (scroll up)\n• `after`: newer messages (scroll down)\n" +
    "• `around`: messages centred on a message (deep links): about limit/2 older ones, then the message and newer ones\n" +
    "Cursors are message ids (or seq numbers). Pages are always oldest first; has_more_before/has_more_after tell " +
    "whether to keep scrolling. Deleted and squashed messages are left out unless include_deleted/include_squashed.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: SlugParam, query: ListMessagesQuery },
  responses: { 200: json(MessagePageSchema, "A page of messages"), ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listMessages(c.var.ctx, c.req.valid("param").channel_slug, c.req.valid("query")), 200);

export const registerListMessages = (r: Router) => r.openapi(route, handler);
