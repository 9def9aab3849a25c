import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GeocodeRequest, GeocodeStarted } from "../schemas";
import { startGeocode } from "../service/jobs";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/geocode",
  tags: ["Recordset Import"],
  summary: "Start an async geocoding job for a recordset.",
  description:
    "Returns job_id at once; progress at /api/v1/recordsets/geocode/jobs/{job_id}/stream (SSE). The job geocodes " +
    "the address fields (default: the recordset's address mapping) of records without coordinates (all with " +
    "overwrite) in batches and writes each record's point, bounding box and geo_precision. Provider: Google " +
    "Geocoding when configured, else the offline gazetteer (US ZIP or city centroids; precision zip/city). Needs " +
    "can_edit on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(GeocodeRequest) },
  responses: { 200: json(GeocodeStarted, "The queued job"), ...errorResponses(401, 403, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await startGeocode(c.var.ctx, c.req.valid("json")), 200);

export const registerStartGeocode = (r: Router) => r.openapi(route, handler);
