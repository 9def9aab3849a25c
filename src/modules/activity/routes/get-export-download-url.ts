import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DownloadUrlSchema, JobIdParam } from "../schemas";
import { exportDownloadUrl } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/activity/export/jobs/{job_id}/download-url",
  tags: ["Activity Feed"],
  summary: "Get a download URL for the export file.",
  description:
    "An HMAC-signed link to the CSV (GET /api/v1/files/download), valid for one hour and usable without a token, " +
    "for one of your COMPLETED export jobs (409 before that). Other people's jobs are 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: JobIdParam },
  responses: { 200: json(DownloadUrlSchema, "A signed, expiring URL"), ...errorResponses(401, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await exportDownloadUrl(c.var.ctx, c.req.valid("param").job_id), 200);

export const registerGetExportDownloadUrl = (r: Router) => r.openapi(route, handler);
