import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { JobIdParam } from "../schemas";
import { downloadExport } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/activity/export/jobs/{job_id}/download",
  tags: ["Activity Feed"],
  summary: "Download an activity export file.",
  description: "Streams the CSV of one of your COMPLETED export jobs (409 before that). Other people's jobs are 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: JobIdParam },
  responses: {
    200: { description: "The CSV file", content: { "text/csv": { schema: z.string() } } },
    ...errorResponses(401, 404, 409),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const file = await downloadExport(c.var.ctx, c.req.valid("param").job_id);
  return c.body(file.body, 200, file.headers);
};

export const registerDownloadExport = (r: Router) => r.openapi(route, handler);
