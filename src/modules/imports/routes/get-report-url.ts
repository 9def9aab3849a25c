import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { JobIdParam, ReportUrlSchema } from "../schemas";
import { reportUrl } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/import/jobs/{job_id}/report-url",
  tags: ["Recordset Import"],
  summary: "Get a fresh signed URL for downloading the job's error report.",
  description: "A new link (24 h) to the CSV of bad rows (row, column, reason). 404 when the import has no error report.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: JobIdParam },
  responses: { 200: json(ReportUrlSchema, "Signed URL"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await reportUrl(c.var.ctx, c.req.valid("param").job_id), 200);

export const registerGetReportUrl = (r: Router) => r.openapi(route, handler);
