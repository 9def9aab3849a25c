import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MapStreamQuery } from "../schemas";
import { streamMapRecords } from "../service/stream";

const route = createRoute({
  method: "get",
  path: "/api/v1/records/map/stream",
  tags: ["Records"],
  summary: "Stream records for map display, optionally with bounding box filtering.",
  description:
    "NDJSON (application/x-ndjson), one located record per line: {id, geometry (GeoJSON), geometry_type, title, " +
    "geo_precision, lat/lng for points, fields (with `fields=`)}, in id order. The last line is " +
    '{"__meta__": {"count", "truncated", "limit", "bbox", "recordset_id"}}. bbox keeps records whose bounding box ' +
    "overlaps it (prefiltered on indexed bbox/point columns); no limit streams everything. column_filters and " +
    "numeric_filters use the syntax of GET /api/v1/records. Needs can_view on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: MapStreamQuery },
  responses: {
    200: { description: "NDJSON stream", content: { "application/x-ndjson": { schema: z.string() } } },
    ...errorResponses(401, 403, 404),
  },
});

// zod-openapi types any application/…json content as a JSON TypedResponse (never for x-ndjson): the stream is a plain Response.
const handler: AppRouteHandler<typeof route> = async (c) => (await streamMapRecords(c.var.ctx, c.req.valid("query"))) as never;

export const registerMapStream = (r: Router) => r.openapi(route, handler);
