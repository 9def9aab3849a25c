import { and, count, desc, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../platform/context";
import { conflict, notFound, ServiceError } from "../../platform/errors";
import { createJob, getJob, JobReporter } from "../../platform/jobs/service";
import { jobs } from "../../platform/jobs/tables";
import { signDownloadUrl } from "../../platform/signed-urls";
import { currentMember } from "../members/service";
import { members } from "../members/tables";
import { ACTIVITY_EXPORT_JOB, type ActivityExportMessage, exportKey, toExportJob } from "./export-job";
import { activityColumns, actorJoin, categoryOf, filterConditions, toActivity, visibilityConditions, where } from "./internal";
import type { ActivityExportRequest, ActivityFeedQuery, ListExportJobsQuery } from "./schemas";
import { activities } from "./tables";
import { viewerOf } from "./visibility";

export interface NewActivity {
  /** `<resource>.<verb>`, e.g. task.completed */
  type: string;
  subjectType: string;
  subjectId?: string | null;
  channelId?: string | null;
  summary: string;
  data?: Record<string, unknown>;
}

/** Every module records what it did through this; the actor is the caller's member (if any). */
export async function recordActivity(ctx: ServiceContext, a: NewActivity): Promise<void> {
  const actor = ctx.actor.kind === "user" || ctx.actor.kind === "api_key" ? await currentMember(ctx).catch(() => null) : null;
  await ctx.db.insert(activities).values({
    type: a.type,
    actorMemberId: actor?.id ?? null,
    subjectType: a.subjectType,
    subjectId: a.subjectId ?? null,
    channelId: a.channelId ?? null,
    summary: a.summary,
    // Done by staff acting as the member: both people are on record.
    data: ctx.actor.kind === "user" && ctx.actor.impersonatorId ? { ...a.data, impersonated_by: ctx.actor.impersonatorId } : (a.data ?? {}),
  });
}

// ---- feed and stats -------------------------------------------------------------------------

/** The workspace's activity the caller may see, newest first, filtered as the seed lists. */
export async function getActivityFeed(ctx: ServiceContext, q: ActivityFeedQuery) {
  const viewer = await viewerOf(ctx);
  const cond = where(filterConditions(viewer, q));
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select(activityColumns)
      .from(activities)
      .leftJoin(members, actorJoin)
      .where(cond)
      .orderBy(desc(activities.createdAt), desc(activities.id))
      .limit(q.limit)
      .offset(q.offset),
    ctx.db.select({ n: count() }).from(activities).where(cond),
  ]);
  const n = total?.n ?? 0;
  return { activities: rows.map(toActivity), total: n, limit: q.limit, offset: q.offset, has_more: q.offset + rows.length < n };
}

const STATS_DAYS = 30;
const DAY_MS = 86_400_000;

/** Dashboard counts over what the caller may see: totals, by type and category, per day (30 UTC days), top actors. */
export async function getActivityStats(ctx: ServiceContext) {
  const viewer = await viewerOf(ctx);
  const visible = visibilityConditions(viewer);
  const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const since = new Date(today.getTime() - (STATS_DAYS - 1) * DAY_MS);
  const inPeriod: SQL[] = [...visible, gte(activities.createdAt, since)];
  const [[totals], byType, byDay, top] = await Promise.all([
    ctx.db
      .select({
        total: count(),
        period: sql<number>`count(*) FILTER (WHERE ${activities.createdAt} >= ${since.toISOString()})::int`,
        today: sql<number>`count(*) FILTER (WHERE ${activities.createdAt} >= ${today.toISOString()})::int`,
        mine: sql<number>`count(*) FILTER (WHERE ${activities.createdAt} >= ${since.toISOString()} AND ${activities.actorMemberId} = ${viewer.memberId})::int`,
      })
      .from(activities)
      .where(where(visible)),
    ctx.db
      .select({ type: activities.type, n: count() })
      .from(activities)
      .where(where(inPeriod))
      .groupBy(activities.type)
      .orderBy(desc(count()), activities.type),
    ctx.db
      .select({ day: sql<string>`to_char(${activities.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`.as("day"), n: count() })
      .from(activities)
      .where(where(inPeriod))
      .groupBy(sql`1`),
    ctx.db
      .select({ memberId: activities.actorMemberId, n: count() })
      .from(activities)
      .where(where([...inPeriod, sql`${activities.actorMemberId} IS NOT NULL`]))
      .groupBy(activities.actorMemberId)
      .orderBy(desc(count()), activities.actorMemberId)
      .limit(10),
  ]);
  const ids = top.map((t) => t.memberId).filter((x): x is string => !!x);
  const people = ids.length
    ? await ctx.db
        .select({ id: members.id, displayName: members.displayName, fullName: members.fullName, avatarUrl: members.avatarUrl })
        .from(members)
        .where(inArray(members.id, ids))
    : [];
  const byId = new Map(people.map((p) => [p.id, p]));
  const categories = new Map<string, number>();
  for (const t of byType) categories.set(categoryOf(t.type), (categories.get(categoryOf(t.type)) ?? 0) + t.n);
  const perDay = new Map(byDay.map((d) => [d.day, d.n]));
  return {
    period_days: STATS_DAYS,
    total: totals?.total ?? 0,
    last_30_days: totals?.period ?? 0,
    today: totals?.today ?? 0,
    mine_last_30_days: totals?.mine ?? 0,
    by_type: byType.map((t) => ({ type: t.type, count: t.n })),
    by_category: [...categories]
      .map(([category, n]) => ({ category, count: n }))
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category)),
    by_day: Array.from({ length: STATS_DAYS }, (_, i) => {
      const date = new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      return { date, count: perDay.get(date) ?? 0 };
    }),
    top_actors: top.map((t) => {
      const p = byId.get(t.memberId as string);
      return {
        member_id: t.memberId as string,
        name: p ? (p.displayName ?? p.fullName) : null,
        avatar_url: p?.avatarUrl ?? null,
        count: t.n,
      };
    }),
  };
}

// ---- exports --------------------------------------------------------------------------------

function scopeOf(ctx: ServiceContext) {
  if (!ctx.workspace) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  return ctx.workspace;
}

const jobPath = (jobId: string) => `/api/v1/activity/export/jobs/${jobId}`;

/**
 * Queues a CSV export of the feed with these filters (REPORTS_QUEUE, consumer in export-job.ts).
 * The job runs as the caller: it sees what their feed shows.
 */
export async function startActivityExport({ ctx, input }: { ctx: ServiceContext; input: ActivityExportRequest }) {
  const scope = scopeOf(ctx);
  const userId = actorUserId(ctx);
  const me = await currentMember(ctx);
  const { format: _format, ...filters } = input;
  const jobId = await createJob(ctx, { kind: ACTIVITY_EXPORT_JOB, userId, workspaceId: scope.id });
  const message: ActivityExportMessage = {
    type: ACTIVITY_EXPORT_JOB,
    request_id: ctx.requestId,
    job_id: jobId,
    workspace_id: scope.id,
    user_id: userId,
    member_id: me.id,
    filters,
  };
  try {
    await ctx.env.REPORTS_QUEUE.send(message);
  } catch (e) {
    await new JobReporter(ctx, jobId)
      .update({
        status: "FAILED",
        progress: 0,
        step: "failed",
        message: "The export could not be queued",
        error: "The export could not be queued",
      })
      .catch(() => {});
    throw new ServiceError("service_unavailable", "The export could not be queued; please try again", { retryable: true, cause: e });
  }
  return {
    job_id: jobId,
    status: "QUEUED" as const,
    status_url: jobPath(jobId),
    message: "Export started; you will be notified when it is ready",
  };
}

/** One of the caller's own export jobs in this workspace; anyone else's (or another kind) is a 404. */
async function myExportJob(ctx: ServiceContext, jobId: string) {
  const scope = scopeOf(ctx);
  const job = await getJob(ctx, jobId, ACTIVITY_EXPORT_JOB);
  if (job.workspaceId !== scope.id || job.userId !== actorUserId(ctx)) throw notFound("Job");
  return job;
}

export async function listExportJobs(ctx: ServiceContext, q: ListExportJobsQuery) {
  const scope = scopeOf(ctx);
  const rows = await ctx.control
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, ACTIVITY_EXPORT_JOB), eq(jobs.workspaceId, scope.id), eq(jobs.userId, actorUserId(ctx))))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(q.limit)
    .offset(q.offset);
  return rows.map((j) => toExportJob(ctx.env, j));
}

export async function getExportJob(ctx: ServiceContext, jobId: string) {
  return toExportJob(ctx.env, await myExportJob(ctx, jobId));
}

async function completedExport(ctx: ServiceContext, jobId: string) {
  const job = await myExportJob(ctx, jobId);
  if (job.status !== "COMPLETED") throw conflict(`The export is not ready (status ${job.status})`);
  const out = toExportJob(ctx.env, job).output_data;
  if (!out) throw conflict("The export has no file");
  return { job, out, key: exportKey(scopeOf(ctx).id, job.id) };
}

/** The CSV, streamed from R2. */
export async function downloadExport(ctx: ServiceContext, jobId: string) {
  const { out, key } = await completedExport(ctx, jobId);
  const obj = await ctx.env.FILES.get(key);
  if (!obj) throw notFound("Export file");
  return {
    body: obj.body,
    headers: {
      "content-type": out.content_type,
      "content-length": String(obj.size),
      "content-disposition": `attachment; filename="${out.filename}"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  };
}

export const EXPORT_URL_TTL_SECONDS = 60 * 60;

/** A signed, expiring link to the CSV (GET /api/v1/files/download; no token needed, one hour). */
export async function exportDownloadUrl(ctx: ServiceContext, jobId: string) {
  const { out, key } = await completedExport(ctx, jobId);
  const signed = await signDownloadUrl({
    secret: ctx.env.SIGNING_KEY,
    baseUrl: ctx.env.API_URL,
    key,
    ttlSeconds: EXPORT_URL_TTL_SECONDS,
    download: true,
  });
  return { url: signed.url, expires_at: signed.expires_at, filename: out.filename };
}
