import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CancelResultSchema, JobIdParam } from "../schemas";
import { cancelJob } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/import/jobs/{job_id}/cancel",
  tags: ["Recordset Import"],
  summary: "Cancel a queued or running import/export job.",
  description:
    "Best effort: the status becomes cancelled at once; a running consumer writes nothing more after its current batch " +
    "(rows already imported stay). A finished job is a 409.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: JobIdParam },
  responses: { 200: json(CancelResultSchema, "Cancelled"), ...errorResponses(401, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await cancelJob(c.var.ctx, c.req.valid("param").job_id), 200);

export const registerCancelJob = (r: Router) => r.openapi(route, handler);
