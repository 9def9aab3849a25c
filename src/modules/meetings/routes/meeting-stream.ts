import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, STREAM_TICKET_NOTE, TicketQuery, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { MeetingIdParam } from "../schemas";
import { streamMeeting } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/meetings/{meeting_id}/stream",
  tags: ["Meetings & Huddles"],
  summary: "Follow a meeting's live participant state (Server-Sent Events).",
  description:
    "Events meeting_started, participant_joined, participant_updated, participant_left and meeting_ended (the " +
    "stream then closes); data is {meeting_id, status, version, participant, participants: everyone in the " +
    "meeting now, reason?}. Every event has an id:; resume with Last-Event-ID or ?since=." +
    STREAM_TICKET_NOTE,
  security: bearerSecurity,
  middleware: [requireUser({ streamTicket: true }), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MeetingIdParam, query: TicketQuery },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    ...errorResponses(401, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  streamMeeting(c.var.ctx, c.req.valid("param").meeting_id, resumeFrom(c.req.raw), c.req.raw.signal);

export const registerMeetingStream = (r: Router) => r.openapi(route, handler);
