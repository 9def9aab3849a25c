import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GeoJobParam, GeoJobSchema } from "../schemas";
import { getGeoJob } from "../service/jobs";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/geocode/jobs/{job_id}",
  tags: ["Recordset Import"],
  summary: "Get the status of a geocoding job.",
  description: "QUEUED, RUNNING (progress, counters), COMPLETED (result: updated, not_found, skipped, precision…) or FAILED.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: GeoJobParam },
  responses: { 200: json(GeoJobSchema, "The job"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getGeoJob(c.var.ctx, c.req.valid("param").job_id), 200);

export const registerGetGeocodeJob = (r: Router) => r.openapi(route, handler);
