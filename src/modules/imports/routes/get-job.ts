import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ImportJobSchema, JobIdParam } from "../schemas";
import { getImportJob } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/import/jobs/{job_id}",
  tags: ["Recordset Import"],
  summary: "Get detailed information about a specific import/export job.",
  description:
    "Counts, progress, the validation summary (with sample errors) once finished, a fresh signed report_url when the import " +
    "had bad rows, and the signed download_url of a completed export. Other people's jobs are 404 (except for admins).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: JobIdParam },
  responses: { 200: json(ImportJobSchema, "The job"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getImportJob(c.var.ctx, c.req.valid("param").job_id), 200);

export const registerGetJob = (r: Router) => r.openapi(route, handler);
