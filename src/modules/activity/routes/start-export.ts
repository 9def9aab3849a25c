import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ActivityExportRequest, ExportStartedSchema } from "../schemas";
import { startActivityExport } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/activity/export",
  tags: ["Activity Feed"],
  summary: "Start an async activity export job.",
  description:
    "Takes the feed's filters (all optional; `{}` exports everything you can see) and returns a job_id at once; " +
    "the CSV is written in the background (at most 100,000 rows, newest first). Check the job at " +
    "/api/v1/activity/export/jobs/{job_id}: when COMPLETED its output_data has the download URL and row count. " +
    "You also get an export_ready notification (per your notification settings).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ActivityExportRequest) },
  responses: { 200: json(ExportStartedSchema, "The queued job"), ...errorResponses(401, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await startActivityExport({ ctx: c.var.ctx, input: c.req.valid("json") }), 200);

export const registerStartActivityExport = (r: Router) => r.openapi(route, handler);
