import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, STREAM_TICKET_NOTE, TicketQuery, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { MigrationJobParam } from "../schemas";
import { streamMigration } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workspace-health/migration/{job_id}/stream",
  tags: ["Workspace Health"],
  summary: "Stream tenant migration progress via Server-Sent Events (SSE).",
  description:
    "Members of the job's workspace. Unnamed events with id:; data is {job_id, status (QUEUED/RUNNING/COMPLETED/" +
    "FAILED), progress 0-100, current_step, result: {message, …}, error_message}. The stream ends after COMPLETED " +
    "(the workspace is ready) or FAILED (error_message says why). Resume with Last-Event-ID." +
    STREAM_TICKET_NOTE,
  security: bearerSecurity,
  middleware: [requireUser({ streamTicket: true }), requireWorkspace({ allowOutdatedSchema: true })] as const,
  request: { headers: WorkspaceHeaderSchema, params: MigrationJobParam, query: TicketQuery },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    204: { description: "The job had already finished (Last-Event-ID at its last event): nothing more; EventSource stops" },
    ...errorResponses(401, 404, 503),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  streamMigration(c.var.ctx, c.req.valid("param").job_id, resumeFrom(c.req.raw), c.req.raw.signal);

export const registerMigrationStream = (r: Router) => r.openapi(route, handler);
