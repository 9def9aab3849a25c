import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, STREAM_TICKET_NOTE, TicketQuery, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { KnowledgeJobParam } from "../schemas";
import { streamReindexJob } from "../service/lifecycle";

const route = createRoute({
  method: "get",
  path: "/api/v1/knowledge/jobs/{job_id}/stream",
  tags: ["Knowledge"],
  summary: "Stream a re-index job's progress via Server-Sent Events (SSE).",
  description:
    "Unnamed events with id:; data is {job_id, status, progress 0-100, current_step, result: {message; at the end total, " +
    "indexed, failed, skipped}, error_message}. Closes after COMPLETED or FAILED. Resume with Last-Event-ID. The job's starter and " +
    "workspace admins only (others: 404)." +
    STREAM_TICKET_NOTE,
  security: bearerSecurity,
  middleware: [requireUser({ streamTicket: true }), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: KnowledgeJobParam, query: TicketQuery },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    204: { description: "The job had already finished (Last-Event-ID at its last event): nothing more; EventSource stops" },
    ...errorResponses(401, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  streamReindexJob(c.var.ctx, c.req.valid("param").job_id, resumeFrom(c.req.raw), c.req.raw.signal);

export const registerReindexJobStream = (r: Router) => r.openapi(route, handler);
