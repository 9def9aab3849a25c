import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { EnableMapRequest, EnableMapResponse, RecordsetIdParam } from "../schemas";
import { enableMap } from "../service/jobs";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/{recordset_id}/enable-map",
  tags: ["Recordsets"],
  summary: "Enable map mode on a recordset and queue GIS backfill job.",
  description:
    "Give exactly one GIS mapping: lat_field + lng_field, address_fields (geocoded: Google with a key, else the " +
    "offline US ZIP/city gazetteer), or geometry_field (GeoJSON, or a geo field's {lat, lng}). Stores it as " +
    "gis_mapping, sets mode to map and queues the backfill that fills every record's geometry, point and bounding " +
    "box from its field values (progress at stream_url). Needs admin rights on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam, body: jsonBody(EnableMapRequest) },
  responses: { 200: json(EnableMapResponse, "Map mode on; the backfill job"), ...errorResponses(401, 403, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await enableMap(c.var.ctx, c.req.valid("param").recordset_id, c.req.valid("json")), 200);

export const registerEnableMap = (r: Router) => r.openapi(route, handler);
