import { sql } from "drizzle-orm";
import type { QueueMessage } from "../../../queues";
import type { Db } from "../../platform/db";
import type { jobs } from "../../platform/jobs/tables";
import { records } from "../records/tables";
import type { GeoPrecision } from "./geocoder";
import { bboxOf, type Geometry, parseGeometry } from "./geometry";

/** jobs.kind and queue message types (IMPORTS_QUEUE). */
export const GEOCODE_JOB = "geo.geocode";
export const BACKFILL_JOB = "geo.backfill";
export const GEO_JOB_KINDS = [GEOCODE_JOB, BACKFILL_JOB] as const;
export type GeoJobKind = (typeof GEO_JOB_KINDS)[number];
const JOB_TYPE: Record<GeoJobKind, "geocode" | "gis_backfill"> = { [GEOCODE_JOB]: "geocode", [BACKFILL_JOB]: "gis_backfill" };

/** Where a map-mode recordset keeps its locations (recordsets.gis_mapping). */
export type GisMapping =
  | { type: "lat_lng"; lat_field: string; lng_field: string }
  | { type: "address"; address_fields: string[] }
  | { type: "geometry"; geometry_field: string };

export interface GeoJobMessage extends QueueMessage {
  type: GeoJobKind;
  job_id: string;
  workspace_id: string;
  /** The requester: the job runs with their membership and sees what they see. */
  user_id: string;
  recordset_id: string;
  /** Backfill: the mapping to apply. Geocode: the address fields and whether to redo located records. */
  mapping?: GisMapping;
  address_fields?: string[];
  overwrite?: boolean;
}

/** The promoted geo columns of a record (records table). */
export interface GeoColumns {
  geometry: Geometry | null;
  lng: number | null;
  lat: number | null;
  minLng: number | null;
  minLat: number | null;
  maxLng: number | null;
  maxLat: number | null;
  geoPrecision: string | null;
}

export const NO_GEO: GeoColumns = {
  geometry: null,
  lng: null,
  lat: null,
  minLng: null,
  minLat: null,
  maxLng: null,
  maxLat: null,
  geoPrecision: null,
};

/** A geometry's columns: the point (Point only) and its bounding box, so SQL can prefilter. */
export function geoColumns(geometry: Geometry, precision: string): GeoColumns {
  const b = bboxOf(geometry);
  const point = geometry.type === "Point" ? geometry.coordinates : null;
  return {
    geometry,
    lng: point ? point[0] : null,
    lat: point ? point[1] : null,
    minLng: b ? b[0] : null,
    minLat: b ? b[1] : null,
    maxLng: b ? b[2] : null,
    maxLat: b ? b[3] : null,
    geoPrecision: precision,
  };
}

export const pointColumns = (lng: number, lat: number, precision: string) =>
  geoColumns({ type: "Point", coordinates: [lng, lat] }, precision);

function toNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** What a record's values give under a mapping: columns, an address still to geocode, or why not. */
export type Derived = { kind: "geo"; geo: GeoColumns } | { kind: "address"; address: string } | { kind: "none"; reason: string };

/** Values of source data are taken as given: precision "exact". */
export function deriveGeo(mapping: GisMapping, values: Record<string, unknown>): Derived {
  switch (mapping.type) {
    case "lat_lng": {
      const lat = toNumber(values[mapping.lat_field]);
      const lng = toNumber(values[mapping.lng_field]);
      if (lat === null || lng === null) return { kind: "none", reason: `${mapping.lat_field}/${mapping.lng_field} are not both numbers` };
      if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return { kind: "none", reason: "lat must be within ±90 and lng within ±180" };
      return { kind: "geo", geo: pointColumns(lng, lat, "exact") };
    }
    case "geometry": {
      const v = values[mapping.geometry_field];
      if (v === undefined || v === null || v === "") return { kind: "none", reason: `${mapping.geometry_field} is empty` };
      // Geo fields also hold {lat, lng}.
      if (typeof v === "object" && v !== null && !Array.isArray(v) && ("lat" in v || "lng" in v)) {
        return deriveGeo({ type: "lat_lng", lat_field: "lat", lng_field: "lng" }, v as Record<string, unknown>);
      }
      const g = parseGeometry(v);
      return g.ok
        ? { kind: "geo", geo: geoColumns(g.geometry, "exact") }
        : { kind: "none", reason: `${mapping.geometry_field} ${g.reason}` };
    }
    case "address": {
      const address = addressOf(mapping.address_fields, values);
      return address ? { kind: "address", address } : { kind: "none", reason: "no address" };
    }
  }
}

/**
 * For record writers (create/update/import) in map mode: the geo columns a record's values give
 * under the recordset's mapping, NO_GEO when they give none, or null for an address mapping
 * (geocoding is a job: POST /api/v1/recordsets/geocode), meaning "leave the columns as they are".
 */
export function promotedGeo(gisMapping: unknown, values: Record<string, unknown>): GeoColumns | null {
  const m = gisMapping as GisMapping | null;
  if (!m || (m.type !== "lat_lng" && m.type !== "geometry" && m.type !== "address")) return null;
  const d = deriveGeo(m, values);
  return d.kind === "geo" ? d.geo : d.kind === "none" && m.type !== "address" ? NO_GEO : null;
}

/** The address fields' values joined with ", " (empty values left out). */
export function addressOf(fields: string[], values: Record<string, unknown>): string | null {
  const parts = fields
    .map((f) => values[f])
    .filter((v): v is string | number => (typeof v === "string" && v.trim() !== "") || typeof v === "number")
    .map((v) => String(v).trim());
  return parts.length ? parts.join(", ") : null;
}

/**
 * Writes geo columns of many records in one statement (UPDATE … FROM VALUES). Derived columns
 * only: field_values, version and history are untouched, so re-running writes the same values.
 */
export async function writeGeoColumns(db: Db, rows: { id: string; geo: GeoColumns }[]): Promise<void> {
  if (!rows.length) return;
  const values = rows.map(
    ({ id, geo: g }) =>
      sql`(${id}::uuid, ${g.geometry ? JSON.stringify(g.geometry) : null}::jsonb, ${g.lng}::float8, ${g.lat}::float8, ${g.minLng}::float8, ${g.minLat}::float8, ${g.maxLng}::float8, ${g.maxLat}::float8, ${g.geoPrecision}::text)`,
  );
  await db.execute(sql`
    update ${records} as r set
      geometry = v.geometry, lng = v.lng, lat = v.lat,
      min_lng = v.min_lng, min_lat = v.min_lat, max_lng = v.max_lng, max_lat = v.max_lat,
      geo_precision = v.geo_precision
    from (values ${sql.join(values, sql`, `)}) as v(id, geometry, lng, lat, min_lng, min_lat, max_lng, max_lat, geo_precision)
    where r.id = v.id`);
}

type JobRow = typeof jobs.$inferSelect;

/** The API shape of a geocoding / GIS backfill job (the resume cursor stays internal). */
export function toGeoJobJson(j: JobRow) {
  const { cursor: _cursor, ...result } = j.result ?? {};
  return {
    job_id: j.id,
    job_type: JOB_TYPE[j.kind as GeoJobKind] ?? j.kind,
    status: j.status,
    progress: j.progress,
    current_step: j.currentStep,
    message: j.message,
    error_message: j.errorMessage,
    recordset_id: typeof result.recordset_id === "string" ? result.recordset_id : null,
    result,
    stream_url: `/api/v1/recordsets/geocode/jobs/${j.id}/stream`,
    created_at: j.createdAt.toISOString(),
    started_at: j.startedAt?.toISOString() ?? null,
    completed_at: j.finishedAt?.toISOString() ?? null,
  };
}

export type { GeoPrecision };
