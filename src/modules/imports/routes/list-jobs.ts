import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ImportJobListSchema, ListJobsQuery } from "../schemas";
import { listJobs } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/import/jobs",
  tags: ["Recordset Import"],
  summary: "List all import/export jobs for the current workspace.",
  description:
    "Newest first; page/page_size (at most 100). Filters: job_type (import, export), status (pending, queued, running, " +
    "processing = running, completed, failed, cancelled). Members see their own jobs; workspace owners and admins see all.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListJobsQuery },
  responses: { 200: json(ImportJobListSchema, "Jobs"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listJobs(c.var.ctx, c.req.valid("query")), 200);

export const registerListJobs = (r: Router) => r.openapi(route, handler);
