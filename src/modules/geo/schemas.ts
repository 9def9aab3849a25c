import { z } from "@hono/zod-openapi";
import { JOB_STATUSES } from "../../platform/jobs/tables";

// ---- map stream ---------------------------------------------------------------------------------

export const MapStreamQuery = z.object({
  recordset_id: z.string().min(1).max(200).openapi({ description: "The recordset, by id or slug." }),
  bbox: z
    .string()
    .optional()
    .openapi({
      description:
        "minLng,minLat,maxLng,maxLat (WGS84 degrees). Records whose bounding box overlaps it are streamed. " +
        "minLng > maxLng means the box crosses the antimeridian.",
      example: "-74.05,40.68,-73.90,40.82",
    }),
  limit: z.coerce.number().int().min(1).max(1_000_000).optional().openapi({ description: "At most this many records; omitted: all." }),
  fields: z.string().optional().openapi({ description: "Comma-separated field keys to include as `fields` on each line." }),
  geometry_types: z.string().optional().openapi({ description: "Comma-separated GeoJSON types to keep (Point, Polygon, …)." }),
  column_filters: z.string().optional().openapi({ description: "As on GET /api/v1/records (JSON)." }),
  numeric_filters: z.string().optional().openapi({ description: "As on GET /api/v1/records (JSON)." }),
});
export type MapStreamQuery = z.infer<typeof MapStreamQuery>;

// ---- spatial filter -----------------------------------------------------------------------------

export const SPATIAL_OPERATIONS = ["intersects", "within", "within_distance"] as const;

export const SpatialFilterRequest = z
  .object({
    target_recordset_id: z
      .string()
      .min(1)
      .max(200)
      .openapi({ description: "Recordset whose matching record ids are returned (id or slug)." }),
    source_recordset_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "Recordset whose geometries are the filter (id or slug). Either this or source_geometry." }),
    source_record_ids: z
      .array(z.uuid())
      .max(1000)
      .optional()
      .openapi({ description: "Only these records of the source recordset (default: all of its records with a geometry)." }),
    source_geometry: z
      .unknown()
      .optional()
      .openapi({ description: "An inline GeoJSON geometry (or Feature) as the filter instead of a source recordset." }),
    operation: z
      .preprocess((v) => (typeof v === "string" ? v.toLowerCase() : v), z.enum(SPATIAL_OPERATIONS))
      .openapi({
        description:
          "intersects: shares any point with a source geometry; within: lies inside one (boundary included); " +
          "within_distance: no farther than buffer_meters from one.",
      }),
    buffer_meters: z
      .number()
      .min(0)
      .max(1_000_000)
      .optional()
      .openapi({ description: "within_distance: the radius (required). Others: grows the source geometries by this much." }),
    exclude: z.boolean().default(false).openapi({ description: "Return the target records that do NOT match instead." }),
    limit: z.number().int().min(1).max(10_000).default(1000),
  })
  .openapi("SpatialFilterRequest");
export type SpatialFilterRequest = z.infer<typeof SpatialFilterRequest>;

export const SpatialFilterResponse = z
  .object({
    operation: z.enum(SPATIAL_OPERATIONS),
    buffer_meters: z.number(),
    exclude: z.boolean(),
    target_recordset_id: z.string(),
    source_recordset_id: z.string().nullable(),
    source_count: z.number().int().openapi({ description: "Source geometries used." }),
    candidates: z.number().int().openapi({ description: "Target records the bounding-box prefilter kept (evaluated exactly)." }),
    count: z.number().int(),
    truncated: z.boolean(),
    record_ids: z.array(z.string()),
  })
  .openapi("SpatialFilterResponse");

// ---- map mode and geocoding ---------------------------------------------------------------------

const fieldKey = z.string().min(1).max(100);

export const EnableMapRequest = z
  .object({
    lat_field: fieldKey.optional().openapi({ description: "Field holding the latitude (with lng_field)." }),
    lng_field: fieldKey.optional().openapi({ description: "Field holding the longitude (with lat_field)." }),
    address_fields: z
      .array(fieldKey)
      .min(1)
      .max(10)
      .optional()
      .openapi({ description: "Fields that together make the address (joined with commas), geocoded by the backfill." }),
    geometry_field: fieldKey.optional().openapi({ description: "Field holding a GeoJSON geometry (or a geo field's {lat, lng})." }),
  })
  .openapi("EnableMapRequest");
export type EnableMapRequest = z.infer<typeof EnableMapRequest>;

export const GisMappingSchema = z
  .object({
    type: z.enum(["lat_lng", "address", "geometry"]),
    lat_field: z.string().optional(),
    lng_field: z.string().optional(),
    address_fields: z.array(z.string()).optional(),
    geometry_field: z.string().optional(),
  })
  .openapi("GisMapping");

export const EnableMapResponse = z
  .object({
    recordset_id: z.string(),
    mode: z.literal("map"),
    gis_mapping: GisMappingSchema,
    job_id: z.string(),
    status: z.literal("QUEUED"),
    status_url: z.string(),
    stream_url: z.string(),
  })
  .openapi("EnableMapResponse");

export const GeocodeRequest = z
  .object({
    recordset_id: z.string().min(1).max(200).openapi({ description: "The recordset, by id or slug." }),
    address_fields: z
      .array(fieldKey)
      .min(1)
      .max(10)
      .optional()
      .openapi({ description: "Fields that make the address; default: the recordset's address mapping." }),
    overwrite: z.boolean().default(false).openapi({ description: "Also re-geocode records that already have coordinates." }),
  })
  .openapi("GeocodeRequest");
export type GeocodeRequest = z.infer<typeof GeocodeRequest>;

export const GeocodeStarted = z
  .object({
    job_id: z.string(),
    status: z.literal("QUEUED"),
    recordset_id: z.string(),
    provider: z.enum(["google", "offline-gazetteer"]),
    status_url: z.string(),
    stream_url: z.string(),
  })
  .openapi("GeocodeStarted");

export const GeoJobSchema = z
  .object({
    job_id: z.string(),
    job_type: z.string().openapi({ description: "geocode or gis_backfill" }),
    status: z.enum(JOB_STATUSES),
    progress: z.number().int(),
    current_step: z.string().nullable(),
    message: z.string().nullable(),
    error_message: z.string().nullable(),
    recordset_id: z.string().nullable(),
    result: z.record(z.string(), z.unknown()).openapi({
      description: "total, processed, updated, not_found, skipped, provider, precision (counts per precision), errors (first 20)…",
    }),
    stream_url: z.string(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
  })
  .openapi("GeoJob");

export const GeoJobList = z
  .object({ jobs: z.array(GeoJobSchema), total: z.number().int(), page: z.number().int(), page_size: z.number().int() })
  .openapi("GeoJobList");

export const ListGeoJobsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(JOB_STATUSES).optional(),
});
export type ListGeoJobsQuery = z.infer<typeof ListGeoJobsQuery>;

export const GeoJobParam = z.object({ job_id: z.string().openapi({ param: { name: "job_id", in: "path" } }) });
export const RecordsetIdParam = z.object({
  recordset_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "recordset_id", in: "path" }, description: "Id or slug." }),
});
