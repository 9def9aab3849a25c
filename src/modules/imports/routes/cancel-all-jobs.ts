import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CancelAllResultSchema } from "../schemas";
import { cancelAllJobs } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/import/jobs/cancel-all",
  tags: ["Recordset Import"],
  summary: "Cancel all active (pending/queued/running/processing) import/export jobs.",
  description:
    "Your own active jobs (all of the workspace's for owners and admins); statuses change at once, consumers stop before their next batch.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(CancelAllResultSchema, "Cancelled"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await cancelAllJobs(c.var.ctx), 200);

export const registerCancelAllJobs = (r: Router) => r.openapi(route, handler);
