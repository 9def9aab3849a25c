import { and, asc, count, eq, gt, isNull, ne, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { QueueMessage } from "../../../queues";
import type { ServiceContext } from "../../platform/context";
import { isServiceError, ServiceError } from "../../platform/errors";
import { getJob, JobReporter } from "../../platform/jobs/service";
import type { jobs } from "../../platform/jobs/tables";
import { resolveWorkspace } from "../../platform/tenancy/resolve";
import { records } from "../records/tables";
import { getRecordsetForActor } from "../recordsets/internal";
import { type GeocodeResult, type Geocoder, geocoderFor } from "./geocoder";
import {
  addressOf,
  BACKFILL_JOB,
  deriveGeo,
  GEOCODE_JOB,
  type GeoColumns,
  type GisMapping,
  NO_GEO,
  pointColumns,
  writeGeoColumns,
} from "./internal";
import { recordsetForGeocoding } from "./service/jobs";

/** Records per batch: one SELECT, the geocoding, one UPDATE, one progress event. */
export const GEO_BATCH = 100;
/** Geocoding requests in flight at once (Google's default quota is 50/s). */
const CONCURRENCY = 8;
const MAX_ERRORS = 20;

const Mapping = z.discriminatedUnion("type", [
  z.object({ type: z.literal("lat_lng"), lat_field: z.string(), lng_field: z.string() }),
  z.object({ type: z.literal("address"), address_fields: z.array(z.string()).min(1) }),
  z.object({ type: z.literal("geometry"), geometry_field: z.string() }),
]);

const MessageSchema = z.object({
  type: z.enum([GEOCODE_JOB, BACKFILL_JOB]),
  request_id: z.string().optional(),
  job_id: z.uuid(),
  workspace_id: z.uuid(),
  user_id: z.uuid(),
  recordset_id: z.uuid(),
  mapping: Mapping.optional(),
  address_fields: z.array(z.string()).min(1).optional(),
  overwrite: z.boolean().optional(),
});

type JobRow = typeof jobs.$inferSelect;

/** Counters kept in jobs.result (with the resume cursor) after every batch. */
interface Progress {
  total: number;
  processed: number;
  updated: number;
  cleared: number;
  not_found: number;
  skipped: number;
  precision: Record<string, number>;
  errors: { record_id: string; reason: string }[];
  cursor: string | null;
}

async function mapLimit<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** Same address, same answer, once per job. */
class CachedGeocoder {
  private readonly cache = new Map<string, Promise<GeocodeResult | null>>();
  constructor(readonly inner: Geocoder) {}
  geocode(address: string): Promise<GeocodeResult | null> {
    const key = address.toLowerCase().replace(/\s+/g, " ").trim();
    let p = this.cache.get(key);
    if (!p) {
      p = this.inner.geocode(address);
      // A transient failure must not stick: the retried message asks again.
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p;
  }
}

/**
 * The IMPORTS_QUEUE consumer of `geo.geocode` and `geo.backfill`. Runs as the requester (their
 * membership and recordset grants, checked again here). Walks the recordset's records in id
 * order, GEO_BATCH at a time: derives the geo columns (geocoding addresses through the provider),
 * writes them in one UPDATE, then stores counters and the cursor on the job and reports progress.
 * Idempotent: a finished job is not redone; a redelivered one resumes after the last stored
 * cursor, and re-running a batch writes the same values (derived columns only, no versions).
 */
export async function runGeoJob(ctx: ServiceContext, body: QueueMessage): Promise<void> {
  const parsed = MessageSchema.safeParse(body);
  if (!parsed.success) throw new ServiceError("validation_error", `Malformed geo job message: ${parsed.error.message}`);
  const m = parsed.data;
  let job: JobRow;
  try {
    job = await getJob(ctx, m.job_id, m.type);
  } catch (e) {
    if (isServiceError(e) && e.code === "not_found") return;
    throw e;
  }
  if (job.workspaceId !== m.workspace_id || job.userId !== m.user_id)
    throw new ServiceError("validation_error", "The message does not match its job");
  if (job.status === "COMPLETED" || job.status === "FAILED") return;
  const reporter = new JobReporter(ctx, job.id);
  const base = job.result ?? {};
  try {
    ctx.actor = { kind: "user", userId: m.user_id, email: "" };
    await resolveWorkspace(ctx, m.workspace_id, m.user_id);
    const recordset =
      m.type === BACKFILL_JOB
        ? (await getRecordsetForActor(ctx, m.recordset_id, "is_admin")).recordset
        : await recordsetForGeocoding(ctx, m.recordset_id);

    const mapping: GisMapping | undefined =
      m.type === BACKFILL_JOB ? m.mapping : m.address_fields ? { type: "address", address_fields: m.address_fields } : undefined;
    if (!mapping) throw new ServiceError("validation_error", "The job has no mapping");
    const geocoder = mapping.type === "address" ? new CachedGeocoder(geocoderFor(ctx.env)) : null;

    const scope: SQL[] = [eq(records.recordsetId, recordset.id), isNull(records.deletedAt), ne(records.status, "deleted")];
    // Geocoding fills records without a location (unless asked to redo them); a backfill recomputes all.
    if (m.type === GEOCODE_JOB && !m.overwrite) scope.push(isNull(records.lng), isNull(records.minLng));

    // A redelivered message resumes from the counters and cursor of the last finished batch.
    const resumed = typeof base.total === "number" && "cursor" in base;
    const p: Progress = resumed
      ? {
          total: base.total as number,
          processed: Number(base.processed ?? 0),
          updated: Number(base.updated ?? 0),
          cleared: Number(base.cleared ?? 0),
          not_found: Number(base.not_found ?? 0),
          skipped: Number(base.skipped ?? 0),
          precision: { ...((base.precision as Record<string, number>) ?? {}) },
          errors: [...((base.errors as Progress["errors"]) ?? [])],
          cursor: (base.cursor as string | null) ?? null,
        }
      : { total: 0, processed: 0, updated: 0, cleared: 0, not_found: 0, skipped: 0, precision: {}, errors: [], cursor: null };
    if (!resumed) {
      const [c] = await ctx.db
        .select({ n: count() })
        .from(records)
        .where(and(...scope));
      p.total = c?.n ?? 0;
    }
    const step = m.type === GEOCODE_JOB ? "geocoding" : "backfilling";
    await reporter.update({
      status: "RUNNING",
      progress: percent(p),
      step,
      message: `${p.processed} of ${p.total} records`,
      result: resultOf(base, p, geocoder?.inner.name),
    });

    for (;;) {
      const rows = await ctx.db
        .select({ id: records.id, fieldValues: records.fieldValues })
        .from(records)
        .where(and(...scope, p.cursor ? gt(records.id, p.cursor) : undefined))
        .orderBy(asc(records.id))
        .limit(GEO_BATCH);
      if (!rows.length) break;
      const updates = await mapLimit(rows, CONCURRENCY, async (r): Promise<{ id: string; geo: GeoColumns } | null> => {
        const d =
          m.type === GEOCODE_JOB
            ? ((a) => (a ? ({ kind: "address", address: a } as const) : ({ kind: "none", reason: "no address" } as const)))(
                addressOf(mapping.type === "address" ? mapping.address_fields : [], r.fieldValues),
              )
            : deriveGeo(mapping, r.fieldValues);
        if (d.kind === "geo") {
          p.updated++;
          p.precision[d.geo.geoPrecision ?? "exact"] = (p.precision[d.geo.geoPrecision ?? "exact"] ?? 0) + 1;
          return { id: r.id, geo: d.geo };
        }
        if (d.kind === "address" && geocoder) {
          const hit = await geocoder.geocode(d.address);
          if (hit) {
            p.updated++;
            p.precision[hit.precision] = (p.precision[hit.precision] ?? 0) + 1;
            return { id: r.id, geo: pointColumns(hit.lng, hit.lat, hit.precision) };
          }
          p.not_found++;
          if (p.errors.length < MAX_ERRORS) p.errors.push({ record_id: r.id, reason: `No match for "${d.address}"` });
        } else {
          p.skipped++;
          if (p.errors.length < MAX_ERRORS) p.errors.push({ record_id: r.id, reason: d.kind === "none" ? d.reason : "no address" });
        }
        // A backfill makes the columns follow the mapping: no location now means none stored.
        if (m.type === BACKFILL_JOB) {
          p.cleared++;
          return { id: r.id, geo: NO_GEO };
        }
        return null;
      });
      await writeGeoColumns(
        ctx.db,
        updates.filter((u): u is { id: string; geo: GeoColumns } => u !== null),
      );
      p.processed += rows.length;
      p.cursor = rows.at(-1)?.id ?? p.cursor;
      await reporter.update({
        status: "RUNNING",
        progress: percent(p),
        step,
        message: `${p.processed} of ${p.total} records`,
        result: resultOf(base, p, geocoder?.inner.name),
      });
      if (rows.length < GEO_BATCH) break;
    }
    await reporter.update({
      status: "COMPLETED",
      progress: 100,
      step: "completed",
      message: `${p.updated} of ${p.processed} records located`,
      result: resultOf(base, p, geocoder?.inner.name),
    });
  } catch (e) {
    if (isServiceError(e) && !e.retryable) {
      await reporter.update({ status: "FAILED", progress: 100, step: "failed", message: e.message, error: e.message, result: base });
      return;
    }
    throw e;
  }
}

const percent = (p: Progress) => (p.total ? Math.min(99, 5 + Math.floor((90 * p.processed) / p.total)) : 5);

/** jobs.result: the creation data, the counters and the resume cursor (toGeoJobJson hides the cursor). */
function resultOf(base: Record<string, unknown>, p: Progress, provider: string | undefined): Record<string, unknown> {
  return { ...base, ...p, ...(provider ? { provider } : {}) };
}
