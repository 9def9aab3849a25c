import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, STREAM_TICKET_NOTE, TicketQuery, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { streamNotifications } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/notifications/stream",
  tags: ["Notifications"],
  summary: "Server-Sent Events (SSE) endpoint for real-time notifications.",
  description:
    "Your notifications as they happen. Events: `notification` (data: a Notification, as in /notifications/list) and " +
    "`workspace_event` (data: {event_type, workspace_id, data, created_at}, e.g. event_type members_updated → refresh " +
    "the member list). Every event has an id:; reconnect with Last-Event-ID (or ?since=) to get what you missed. " +
    "A heartbeat comment every 15 s." +
    STREAM_TICKET_NOTE,
  security: bearerSecurity,
  middleware: [requireUser({ streamTicket: true }), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: TicketQuery },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    ...errorResponses(401, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => streamNotifications(c.var.ctx, resumeFrom(c.req.raw), c.req.raw.signal);

export const registerStreamNotifications = (r: Router) => r.openapi(route, handler);
