import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { JobIdParam, LegacyStatusSchema } from "../schemas";
import { legacyStatus } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/import/status/{job_id}",
  tags: ["Recordset Import"],
  summary: "Get the status of an import job (legacy endpoint).",
  description: "Status, progress and counts only; /import/jobs/{job_id} has the details.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: JobIdParam },
  responses: { 200: json(LegacyStatusSchema, "Status"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await legacyStatus(c.var.ctx, c.req.valid("param").job_id), 200);

export const registerLegacyStatus = (r: Router) => r.openapi(route, handler);
