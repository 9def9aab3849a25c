import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ExportJobSchema, JobIdParam } from "../schemas";
import { getExportJob } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/activity/export/jobs/{job_id}",
  tags: ["Activity Feed"],
  summary: "Get the status of an activity export job.",
  description: "QUEUED, RUNNING (with progress), COMPLETED (output_data: download_url, rows, …) or FAILED. Other people's jobs are 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: JobIdParam },
  responses: { 200: json(ExportJobSchema, "The job"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getExportJob(c.var.ctx, c.req.valid("param").job_id), 200);

export const registerGetExportJob = (r: Router) => r.openapi(route, handler);
