import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { JobIdParam } from "../schemas";
import { deleteJob } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/recordsets/import/jobs/{job_id}",
  tags: ["Recordset Import"],
  summary: "Delete a completed/failed/cancelled job from history.",
  description: "Removes the job and its files (error report, export). Imported records stay. Active jobs are a 409: cancel them first.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: JobIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteJob(c.var.ctx, c.req.valid("param").job_id);
  return c.body(null, 204);
};

export const registerDeleteJob = (r: Router) => r.openapi(route, handler);
