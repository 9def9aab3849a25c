import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, STREAM_TICKET_NOTE, TicketQuery, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { RunIdParam } from "../schemas";
import { streamRun } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workflow-runs/{run_id}/events",
  tags: ["Workflows"],
  summary: "Follow a run's node events (Server-Sent Events).",
  description:
    "Events run.started, node.started, node.error (an attempt failed; it may be retried), node.waiting, " +
    "node.skipped, node.completed and run.finished (data.run_status completed, failed or cancelled; the stream " +
    "then closes). Every event has an id:; resume with Last-Event-ID or ?since=. A finished run replays its events." +
    STREAM_TICKET_NOTE,
  security: bearerSecurity,
  middleware: [requireUser({ streamTicket: true }), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RunIdParam, query: TicketQuery },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    204: { description: "The run has ended and the client has seen its last event" },
    ...errorResponses(401, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  streamRun(c.var.ctx, c.req.valid("param").run_id, resumeFrom(c.req.raw), c.req.raw.signal);

export const registerStreamRun = (r: Router) => r.openapi(route, handler);
