import { and, asc, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { Connections, type Db } from "../../../platform/db";
import { invalidField, ServiceError } from "../../../platform/errors";
import { tenantDatabases } from "../../../platform/identity/tables";
import { tenantConnectionString } from "../../../platform/tenancy/connection";
import { compileRecordQuery, project } from "../../records/query";
import { records } from "../../records/tables";
import { getRecordsetForActor } from "../../recordsets/internal";
import { type BBox, GEOMETRY_TYPES } from "../geometry";
import type { MapStreamQuery } from "../schemas";

/** Rows per database round trip while streaming. */
export const STREAM_PAGE = 500;
const NDJSON = "application/x-ndjson; charset=utf-8";

/** "minLng,minLat,maxLng,maxLat" → numbers, or a 422 on query.bbox. minLng > maxLng crosses the antimeridian. */
export function parseBBox(raw: string, loc: (string | number)[] = ["query", "bbox"]): BBox {
  const parts = raw.split(",").map((s) => s.trim());
  const n = parts.map((s) => (s === "" ? Number.NaN : Number(s)));
  if (n.length !== 4 || n.some((x) => !Number.isFinite(x)))
    throw invalidField(loc, "bbox must be four numbers: minLng,minLat,maxLng,maxLat");
  const [minLng, minLat, maxLng, maxLat] = n as BBox;
  if (Math.abs(minLng) > 180 || Math.abs(maxLng) > 180) throw invalidField(loc, "bbox longitudes must be within ±180");
  if (Math.abs(minLat) > 90 || Math.abs(maxLat) > 90) throw invalidField(loc, "bbox latitudes must be within ±90");
  if (minLat > maxLat) throw invalidField(loc, "bbox minLat must not be greater than maxLat");
  return [minLng, minLat, maxLng, maxLat];
}

/** A record has a location: a geometry, or at least a point. */
export const hasGeo = sql`(${records.geometry} is not null or ${records.lng} is not null)`;

/**
 * Records whose bounding box overlaps `b` (PostGIS `&&`). Points (lng/lat set) are bounded on both
 * sides in records_point_idx (recordset_id, lng, lat); other shapes use records_bbox_idx
 * (recordset_id, min_lng, …), where a btree can only bound min_lng from above.
 */
export function bboxCondition(b: BBox): SQL {
  const [x1, y1, x2, y2] = b;
  const pointLng = x1 <= x2 ? sql`${records.lng} between ${x1} and ${x2}` : sql`(${records.lng} >= ${x1} or ${records.lng} <= ${x2})`;
  const boxLng =
    x1 <= x2
      ? sql`${records.minLng} <= ${x2} and ${records.maxLng} >= ${x1}`
      : sql`(${records.maxLng} >= ${x1} or ${records.minLng} <= ${x2})`;
  return sql`((${pointLng} and ${records.lat} between ${y1} and ${y2})
    or (${records.lng} is null and ${boxLng} and ${records.minLat} <= ${y2} and ${records.maxLat} >= ${y1}))`;
}

function parseTypes(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  const types = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Map(GEOMETRY_TYPES.map((t) => [t.toLowerCase(), t]));
  const out: string[] = [];
  for (const t of types) {
    const k = known.get(t.toLowerCase());
    if (!k) throw invalidField(["query", "geometry_types"], `Unknown geometry type '${t}' (${GEOMETRY_TYPES.join(", ")})`);
    out.push(k);
  }
  return out.length ? out : null;
}

const columns = {
  id: records.id,
  title: records.title,
  geometry: records.geometry,
  lng: records.lng,
  lat: records.lat,
  precision: records.geoPrecision,
  fieldValues: records.fieldValues,
};
type Row = {
  id: string;
  title: string | null;
  geometry: Record<string, unknown> | null;
  lng: number | null;
  lat: number | null;
  precision: string | null;
  fieldValues: Record<string, unknown>;
};

/** The tenant connection string, for a stream that outlives the request's own pool. */
async function tenantUrl(ctx: ServiceContext): Promise<string> {
  const id = ctx.workspace?.id;
  if (!id) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  const [row] = await ctx.control
    .select({ encrypted: tenantDatabases.connectionEncrypted })
    .from(tenantDatabases)
    .where(eq(tenantDatabases.workspaceId, id))
    .limit(1);
  if (!row) throw new ServiceError("service_unavailable", "The workspace database is not ready", { retryable: true });
  return tenantConnectionString(ctx.env.ENCRYPTION_KEY, row.encrypted);
}

/**
 * NDJSON of a recordset's located records, in id order (keyset pages of 500), each line
 * {id, geometry, geometry_type, title, geo_precision, lat/lng for points, fields if asked};
 * the last line is {"__meta__": {count, truncated, limit, bbox, recordset_id}}. Everything is
 * checked (access, bbox, filters) and the first page read before the response starts; later pages
 * use a connection of the stream's own (the request's pool closes when the response leaves).
 */
export async function streamMapRecords(ctx: ServiceContext, q: MapStreamQuery): Promise<Response> {
  const { recordset } = await getRecordsetForActor(ctx, q.recordset_id, "can_view");
  const bbox = q.bbox !== undefined ? parseBBox(q.bbox) : null;
  const types = parseTypes(q.geometry_types);
  const compiled = compileRecordQuery(
    recordset.fields,
    { fields: q.fields, column_filters: q.column_filters, numeric_filters: q.numeric_filters },
    { where: "query" },
  );
  const conditions = [eq(records.recordsetId, recordset.id), isNull(records.deletedAt), hasGeo, ...compiled.conditions];
  if (bbox) conditions.push(bboxCondition(bbox));
  if (types) {
    conditions.push(
      sql`coalesce(${records.geometry} ->> 'type', 'Point') in (${sql.join(
        types.map((t) => sql`${t}`),
        sql`, `,
      )})`,
    );
  }
  const limit = q.limit ?? Number.POSITIVE_INFINITY;
  const withFields = q.fields !== undefined;

  // One row more than needed (within the limit) tells whether there is more.
  const page = (db: Db, after: string | null, n: number) =>
    db
      .select(columns)
      .from(records)
      .where(and(...conditions, after ? gt(records.id, after) : undefined))
      .orderBy(asc(records.id))
      .limit(n) as Promise<Row[]>;

  const line = (r: Row): string => {
    const geometry = r.geometry ?? (r.lng !== null && r.lat !== null ? { type: "Point", coordinates: [r.lng, r.lat] } : null);
    const type = (geometry?.type as string | undefined) ?? null;
    const out: Record<string, unknown> = { id: r.id, geometry, geometry_type: type, title: r.title, geo_precision: r.precision };
    if (type === "Point") {
      const [lng, lat] = (geometry?.coordinates as [number, number] | undefined) ?? [r.lng, r.lat];
      out.lat = lat;
      out.lng = lng;
    }
    if (withFields) out.fields = project(r.fieldValues, compiled.projection);
    return `${JSON.stringify(out)}\n`;
  };
  const meta = (count: number, truncated: boolean, error?: string) =>
    `${JSON.stringify({ __meta__: { count, truncated, limit: q.limit ?? null, bbox, recordset_id: recordset.id, ...(error ? { error } : {}) } })}\n`;

  const firstN = Math.min(STREAM_PAGE, limit + 1);
  const first = await page(ctx.db, null, firstN);
  // More pages may follow only when the first one came back full and the limit is not yet reached.
  const needsMore = first.length === firstN && firstN <= limit;
  const url = needsMore ? await tenantUrl(ctx) : null;

  const enc = new TextEncoder();
  let sent = 0;
  let queue: Row[] = first;
  let cursor: string | null = first.at(-1)?.id ?? null;
  let exhausted = !needsMore;
  let conns: Connections | null = null;
  let db: Db | null = null;
  const finish = async () => {
    await conns?.close();
    conns = null;
  };

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (queue.length === 0 && !exhausted && url) {
          if (!db) {
            conns = new Connections(ctx.env.DB_WS_PROXY);
            db = conns.open(url);
          }
          const n = Math.min(STREAM_PAGE, limit - sent + 1);
          queue = await page(db, cursor, n);
          cursor = queue.at(-1)?.id ?? cursor;
          if (queue.length < n) exhausted = true;
        }
        const room = limit - sent;
        const take = queue.splice(0, Math.min(queue.length, room));
        if (take.length) {
          sent += take.length;
          controller.enqueue(enc.encode(take.map(line).join("")));
        }
        // Done: nothing left, or the limit reached (anything still queued or unread is the truncation).
        if (sent >= limit || (queue.length === 0 && exhausted)) {
          const truncated = sent >= limit && (queue.length > 0 || !exhausted);
          controller.enqueue(enc.encode(meta(sent, truncated)));
          controller.close();
          await finish();
        }
      } catch (e) {
        console.error(JSON.stringify({ level: "error", msg: "map stream failed", request_id: ctx.requestId, error: String(e) }));
        controller.enqueue(enc.encode(meta(sent, true, "The stream was interrupted; retry from the start")));
        controller.close();
        await finish();
      }
    },
    async cancel() {
      await finish();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { "content-type": NDJSON, "cache-control": "private, no-store", "x-content-type-options": "nosniff" },
  });
}
