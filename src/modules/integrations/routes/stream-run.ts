import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, STREAM_TICKET_NOTE, TicketQuery, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { RunIdParam } from "../schemas";
import { streamRun } from "../service/runs";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/runs/{run_id}/stream",
  tags: ["Integrations & Data / Integrations"],
  summary: "Stream real-time status updates for a job run via Server-Sent Events (SSE).",
  description:
    "Unnamed events with id:, data {run_id, status, progress, current_step, records_synced, error_message, timestamp}; status PENDING, RUNNING, COMPLETED, FAILED or CANCELLED. Closes after a terminal status; resume with Last-Event-ID (a reconnect after the end gets 204). Keep-alive comments every 15 s." +
    STREAM_TICKET_NOTE,
  security: bearerSecurity,
  middleware: [requireUser({ streamTicket: true }), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RunIdParam, query: TicketQuery },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    204: { description: "The run had already finished (Last-Event-ID at its last event)" },
    ...errorResponses(401, 403, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  streamRun(c.var.ctx, c.req.valid("param").run_id, resumeFrom(c.req.raw), c.req.raw.signal);

export const registerStreamRun = (r: Router) => r.openapi(route, handler);
