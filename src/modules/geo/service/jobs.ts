import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import { forbidden, invalidField, notFound, ServiceError } from "../../../platform/errors";
import { createJob, getJob, JobReporter, streamJob } from "../../../platform/jobs/service";
import { jobs } from "../../../platform/jobs/tables";
import { recordActivity } from "../../activity/service";
import type { RecordsetRow } from "../../recordsets/internal";
import { getRecordsetForActor } from "../../recordsets/internal";
import { recordsets } from "../../recordsets/tables";
import { geocoderFor } from "../geocoder";
import { BACKFILL_JOB, GEO_JOB_KINDS, GEOCODE_JOB, type GeoJobKind, type GeoJobMessage, type GisMapping, toGeoJobJson } from "../internal";
import type { EnableMapRequest, GeocodeRequest, ListGeoJobsQuery } from "../schemas";

const jobPath = (id: string) => `/api/v1/recordsets/geocode/jobs/${id}`;

function scopeId(ctx: ServiceContext): string {
  const id = ctx.workspace?.id;
  if (!id) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  return id;
}

/** Every key must be one of the recordset's fields: a 422 naming the first that is not. */
function requireFields(rs: RecordsetRow, keys: { loc: (string | number)[]; key: string }[]): void {
  const known = new Set(rs.fields.map((f) => f.key));
  for (const k of keys) {
    if (!known.has(k.key)) {
      throw invalidField(["body", ...k.loc], `Unknown field '${k.key}' (fields: ${[...known].join(", ") || "none"})`, "unknown_field");
    }
  }
}

/** The request body → one mapping kind (exactly one of lat/lng, address, geometry). */
function mappingOf(input: EnableMapRequest): GisMapping {
  const kinds = [
    input.lat_field !== undefined || input.lng_field !== undefined,
    input.address_fields !== undefined,
    input.geometry_field !== undefined,
  ].filter(Boolean).length;
  if (kinds !== 1) {
    throw invalidField(["body"], "Give exactly one mapping: lat_field and lng_field, address_fields, or geometry_field");
  }
  if (input.address_fields) return { type: "address", address_fields: input.address_fields };
  if (input.geometry_field) return { type: "geometry", geometry_field: input.geometry_field };
  if (!input.lat_field || !input.lng_field)
    throw invalidField(["body", input.lat_field ? "lng_field" : "lat_field"], "lat_field and lng_field go together");
  return { type: "lat_lng", lat_field: input.lat_field, lng_field: input.lng_field };
}

/** Creates the job (its row carries what the list shows), queues it; a failed send fails the job (503). */
async function queueGeoJob(
  ctx: ServiceContext,
  kind: GeoJobKind,
  rs: RecordsetRow,
  extra: Pick<GeoJobMessage, "mapping" | "address_fields" | "overwrite">,
): Promise<string> {
  const workspaceId = scopeId(ctx);
  const userId = actorUserId(ctx);
  const jobId = await createJob(ctx, { kind, userId, workspaceId });
  const reporter = new JobReporter(ctx, jobId);
  await reporter.update({
    status: "QUEUED",
    progress: 0,
    step: "queued",
    message: kind === GEOCODE_JOB ? "Geocoding queued" : "GIS backfill queued",
    result: { recordset_id: rs.id, recordset_slug: rs.slug, provider: geocoderFor(ctx.env).name, ...extra },
  });
  const message: GeoJobMessage = {
    type: kind,
    request_id: ctx.requestId,
    job_id: jobId,
    workspace_id: workspaceId,
    user_id: userId,
    recordset_id: rs.id,
    ...extra,
  };
  await reporter.send(ctx.env.IMPORTS_QUEUE, message);
  return jobId;
}

/**
 * Map mode: stores the GIS mapping, sets mode = map and queues the backfill that fills every
 * record's geo columns from its field values (geocoding addresses). Recordset admins only.
 */
export async function enableMap(ctx: ServiceContext, recordsetId: string, input: EnableMapRequest) {
  const mapping = mappingOf(input);
  const { recordset } = await getRecordsetForActor(ctx, recordsetId, "is_admin");
  if (recordset.isIntegration) throw invalidField(["path", "recordset_id"], "Integration recordsets are read-only");
  if (mapping.type === "lat_lng") {
    requireFields(recordset, [
      { loc: ["lat_field"], key: mapping.lat_field },
      { loc: ["lng_field"], key: mapping.lng_field },
    ]);
  } else if (mapping.type === "address") {
    requireFields(
      recordset,
      mapping.address_fields.map((key, i) => ({ loc: ["address_fields", i], key })),
    );
  } else requireFields(recordset, [{ loc: ["geometry_field"], key: mapping.geometry_field }]);

  await ctx.db.update(recordsets).set({ mode: "map", gisMapping: mapping, updatedAt: new Date() }).where(eq(recordsets.id, recordset.id));
  const jobId = await queueGeoJob(ctx, BACKFILL_JOB, recordset, { mapping });
  await recordActivity(ctx, {
    type: "recordset.map_enabled",
    subjectType: "recordset",
    subjectId: recordset.id,
    summary: `Map mode enabled on ${recordset.name}`,
    data: { gis_mapping: mapping, job_id: jobId },
  });
  return {
    recordset_id: recordset.id,
    mode: "map" as const,
    gis_mapping: mapping,
    job_id: jobId,
    status: "QUEUED" as const,
    status_url: jobPath(jobId),
    stream_url: `${jobPath(jobId)}/stream`,
  };
}

/** Geocoding writes every record's location: editors of all records, or admins of the recordset. */
export async function recordsetForGeocoding(ctx: ServiceContext, slugOrId: string): Promise<RecordsetRow> {
  const { recordset, permissions } = await getRecordsetForActor(ctx, slugOrId);
  if (!permissions.can_edit && !permissions.is_admin) throw forbidden("You do not have permission to geocode this recordset");
  return recordset;
}

/** Queues geocoding of a recordset's addresses (records without coordinates, or all with overwrite). */
export async function startGeocode(ctx: ServiceContext, input: GeocodeRequest) {
  const recordset = await recordsetForGeocoding(ctx, input.recordset_id);
  if (recordset.isIntegration) throw invalidField(["body", "recordset_id"], "Integration recordsets are read-only");
  const mapped = recordset.gisMapping as GisMapping | null;
  const fields = input.address_fields ?? (mapped?.type === "address" ? mapped.address_fields : undefined);
  if (!fields) {
    throw invalidField(["body", "address_fields"], "address_fields is required (the recordset has no address mapping)");
  }
  requireFields(
    recordset,
    fields.map((key, i) => ({ loc: ["address_fields", i], key })),
  );
  const jobId = await queueGeoJob(ctx, GEOCODE_JOB, recordset, { address_fields: fields, overwrite: input.overwrite });
  return {
    job_id: jobId,
    status: "QUEUED" as const,
    recordset_id: recordset.id,
    provider: geocoderFor(ctx.env).name,
    status_url: jobPath(jobId),
    stream_url: `${jobPath(jobId)}/stream`,
  };
}

/** Whose jobs the caller sees: workspace owners and admins all of the workspace's, others their own. */
function visibleJobs(ctx: ServiceContext): SQL[] {
  const conds: SQL[] = [inArray(jobs.kind, [...GEO_JOB_KINDS]), eq(jobs.workspaceId, scopeId(ctx))];
  const role = ctx.workspace?.role;
  if (role !== "owner" && role !== "admin") conds.push(eq(jobs.userId, actorUserId(ctx)));
  return conds;
}

export async function listGeoJobs(ctx: ServiceContext, q: ListGeoJobsQuery) {
  const conds = visibleJobs(ctx);
  if (q.status) conds.push(eq(jobs.status, q.status));
  const [rows, [total]] = await Promise.all([
    ctx.control
      .select()
      .from(jobs)
      .where(and(...conds))
      .orderBy(desc(jobs.createdAt), desc(jobs.id))
      .limit(q.page_size)
      .offset((q.page - 1) * q.page_size),
    ctx.control
      .select({ n: count() })
      .from(jobs)
      .where(and(...conds)),
  ]);
  return { jobs: rows.map(toGeoJobJson), total: total?.n ?? 0, page: q.page, page_size: q.page_size };
}

async function visibleJob(ctx: ServiceContext, jobId: string) {
  const job = await getJob(ctx, jobId);
  const role = ctx.workspace?.role;
  const mine = job.userId === actorUserId(ctx) || role === "owner" || role === "admin";
  if (!(GEO_JOB_KINDS as readonly string[]).includes(job.kind) || job.workspaceId !== scopeId(ctx) || !mine) throw notFound("Job");
  return job;
}

export async function getGeoJob(ctx: ServiceContext, jobId: string) {
  return toGeoJobJson(await visibleJob(ctx, jobId));
}

/** SSE progress of a visible geo job; closes after COMPLETED or FAILED. */
export async function streamGeoJob(ctx: ServiceContext, jobId: string, since: number, signal?: AbortSignal): Promise<Response> {
  await visibleJob(ctx, jobId);
  return streamJob(ctx, jobId, since, signal);
}
