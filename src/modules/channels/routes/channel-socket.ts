import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, STREAM_TICKET_NOTE, TicketQuery, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { SlugParam, StreamQuery } from "../schemas-conversation";
import { openChannelSocket } from "../service/live";
import { CHANNEL_EVENTS_DESCRIPTION } from "./stream-channel";

const route = createRoute({
  method: "get",
  path: "/api/v1/channels/{channel_slug}/ws",
  tags: ["Channels"],
  summary: "Live events of a channel over a WebSocket.",
  description:
    `Upgrade: websocket. Frames are JSON {id, event, data}. ${CHANNEL_EVENTS_DESCRIPTION} ` +
    'Send "ping" (answered "pong") and {"type":"typing"} / {"type":"typing","is_typing":false} (typing indicators; ' +
    "throttled, ignored for members who may not post). Resume with ?since=<last id>. Access is checked when the socket " +
    "opens (invisible channel → 404); the socket is closed with code 4403 when your access is revoked. A request " +
    "without the upgrade is a 400." +
    STREAM_TICKET_NOTE,
  security: bearerSecurity,
  middleware: [requireUser({ streamTicket: true }), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: SlugParam, query: StreamQuery.extend(TicketQuery.shape) },
  responses: { 101: { description: "Switching protocols: the WebSocket is open" }, ...errorResponses(400, 401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  openChannelSocket(c.var.ctx, c.req.valid("param").channel_slug, { since: resumeFrom(c.req.raw), upgrade: c.req.header("upgrade") });

export const registerChannelSocket = (r: Router) => r.openapi(route, handler);
