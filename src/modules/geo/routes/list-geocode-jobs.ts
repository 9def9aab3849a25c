import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GeoJobList, ListGeoJobsQuery } from "../schemas";
import { listGeoJobs } from "../service/jobs";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/geocode/jobs",
  tags: ["Recordset Import"],
  summary: "List geocoding jobs for the current workspace.",
  description:
    "Geocoding and GIS backfill jobs, newest first (page/page_size ≤ 100, optional status). Workspace owners and " +
    "admins see every one; others see the jobs they started.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListGeoJobsQuery },
  responses: { 200: json(GeoJobList, "Jobs"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listGeoJobs(c.var.ctx, c.req.valid("query")), 200);

export const registerListGeocodeJobs = (r: Router) => r.openapi(route, handler);
