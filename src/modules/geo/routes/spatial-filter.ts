import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SpatialFilterRequest, SpatialFilterResponse } from "../schemas";
import { spatialFilter } from "../service/spatial-filter";

const route = createRoute({
  method: "post",
  path: "/api/v1/records/spatial-filter",
  tags: ["Records"],
  summary: "Filter records from one recordset by spatial relationship with another.",
  description:
    "The source (a recordset's geometries, optionally only source_record_ids, or one inline source_geometry) is the " +
    "filter; the ids of the target recordset's records that match are returned. intersects: shares a point with a " +
    "source geometry; within: lies inside one, boundary included; within_distance: at most buffer_meters (required) " +
    "away. For intersects/within, buffer_meters grows the sources. exclude returns the non-matching records. " +
    "Bounding boxes prefilter in SQL; the predicate is exact (planar on lon/lat, distances in metres). " +
    "Needs can_view on both recordsets.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(SpatialFilterRequest) },
  responses: { 200: json(SpatialFilterResponse, "Matching record ids"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await spatialFilter(c.var.ctx, c.req.valid("json")), 200);

export const registerSpatialFilter = (r: Router) => r.openapi(route, handler);
