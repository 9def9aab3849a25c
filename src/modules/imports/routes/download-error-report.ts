import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses } from "../../../platform/openapi";
import { ErrorReportQuery, JobIdParam } from "../schemas";
import { downloadErrorReport } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/import/error-report/{job_id}",
  tags: ["Recordset Import"],
  summary: "Public endpoint to download an import error report.",
  description:
    "No credentials: the HMAC signature over the job id and exp (from the job's report_url or /report-url) is the " +
    "authorisation. Altered or expired links are 403. Streams the CSV (row, column, reason).",
  middleware: [limitByIp("read")] as const,
  request: { params: JobIdParam, query: ErrorReportQuery },
  responses: {
    200: { description: "The error report", content: { "text/csv": { schema: z.string() } } },
    ...errorResponses(403, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const f = await downloadErrorReport(c.var.ctx, c.req.valid("param").job_id, c.req.valid("query"));
  return new Response(f.body, { headers: f.headers });
};

export const registerDownloadErrorReport = (r: Router) => r.openapi(route, handler);
