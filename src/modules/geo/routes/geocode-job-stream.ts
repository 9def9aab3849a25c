import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, STREAM_TICKET_NOTE, TicketQuery, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { GeoJobParam } from "../schemas";
import { streamGeoJob } from "../service/jobs";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/geocode/jobs/{job_id}/stream",
  tags: ["Recordset Import"],
  summary: "Stream geocoding job progress via Server-Sent Events (SSE).",
  description:
    "Unnamed events with id:; data is {job_id, status, progress 0-100, current_step, result: {message, total, " +
    "processed, updated, …}, error_message}. Closes after COMPLETED or FAILED. Resume with Last-Event-ID." +
    STREAM_TICKET_NOTE,
  security: bearerSecurity,
  middleware: [requireUser({ streamTicket: true }), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: GeoJobParam, query: TicketQuery },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    204: { description: "The job had already finished (Last-Event-ID at its last event): nothing more; EventSource stops" },
    ...errorResponses(401, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  streamGeoJob(c.var.ctx, c.req.valid("param").job_id, resumeFrom(c.req.raw), c.req.raw.signal);

export const registerGeocodeJobStream = (r: Router) => r.openapi(route, handler);
