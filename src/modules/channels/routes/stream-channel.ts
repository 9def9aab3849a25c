import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, STREAM_TICKET_NOTE, TicketQuery, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { SlugParam, StreamQuery } from "../schemas-conversation";
import { openChannelStream } from "../service/live";

export const CHANNEL_EVENTS_DESCRIPTION =
  "Events (each with the room's sequence number as `id`): message, message_updated (the message), message_deleted " +
  "{id, seq, …}, messages_squashed {summary, squashed_message_ids, …}, messages_restored {summary_id, messages}, read " +
  "{member_id, last_read_seq, …}, typing {member_id, is_typing}, presence {member_id, status online|offline, online}, " +
  "member_joined / member_left {member_id}, access_revoked {member_id}, channel_deleted; reset {reload: true} when you " +
  "were too far behind to replay.";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/stream",
  tags: ["Channels"],
  summary: "Live events of a channel via Server-Sent Events.",
  description:
    `${CHANNEL_EVENTS_DESCRIPTION} Reconnect with Last-Event-ID (or ?since=) to get exactly what you missed, in order. Access is checked when the stream opens (an invisible channel is 404); the stream ends when your access is revoked.` +
    STREAM_TICKET_NOTE,
  security: bearerSecurity,
  middleware: [requireUser({ streamTicket: true }), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: SlugParam, query: StreamQuery.extend(TicketQuery.shape) },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    ...errorResponses(401, 403, 404, 429),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  openChannelStream(c.var.ctx, c.req.valid("param").channel_slug, { since: resumeFrom(c.req.raw), signal: c.req.raw.signal });

export const registerStreamChannel = (r: Router) => r.openapi(route, handler);
