import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ExportJobSchema, ListExportJobsQuery } from "../schemas";
import { listExportJobs } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/activity/export/jobs",
  tags: ["Activity Feed"],
  summary: "List activity export jobs for the current user.",
  description: "Your export jobs in this workspace, newest first. `limit` (default 20, at most 100) and `offset` paginate.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListExportJobsQuery },
  responses: { 200: json(z.array(ExportJobSchema), "Your export jobs"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listExportJobs(c.var.ctx, c.req.valid("query")), 200);

export const registerListExportJobs = (r: Router) => r.openapi(route, handler);
