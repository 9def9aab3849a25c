import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { getJob, streamJob } from "../../../platform/jobs/service";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses } from "../../../platform/openapi";
import { resumeFrom } from "../../../platform/sse";
import { JobIdParam } from "../schemas";
import { SIGNUP_JOB } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/auth/signup/jobs/{job_id}/stream",
  tags: ["Authentication"],
  summary: "Stream provisioning progress via Server-Sent Events.",
  description:
    "No authentication: the job id is the secret. Each event's data: {job_id, status (QUEUED/RUNNING/COMPLETED/FAILED), " +
    "progress 0-100, current_step, result: {message, …}, error_message}. On COMPLETED result has access_token, " +
    "refresh_token, workspace_id, workspace_name. Resume with Last-Event-ID. The stream ends after COMPLETED or FAILED.",
  middleware: [limitByIp("token")] as const,
  request: { params: JobIdParam },
  responses: {
    200: { description: "SSE stream", content: { "text/event-stream": { schema: z.string() } } },
    204: { description: "The job had already finished (Last-Event-ID at its last event): nothing more; EventSource stops" },
    ...errorResponses(404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const { job_id } = c.req.valid("param");
  await getJob(c.var.ctx, job_id, SIGNUP_JOB);
  return streamJob(c.var.ctx, job_id, resumeFrom(c.req.raw), c.req.raw.signal);
};

export const registerSignupJobStream = (r: Router) => r.openapi(route, handler);
