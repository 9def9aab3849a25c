import { and, eq, inArray, sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { invalidField, ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { iso } from "../../platform/openapi";
import { members } from "../members/tables";
import { getRecordForActor, type RecordNeed } from "../records/internal";
import { recordInsights, recordInteractions, recordTasks } from "./tables";

export type InteractionRow = typeof recordInteractions.$inferSelect;
export type InsightRow = typeof recordInsights.$inferSelect;
export type RecordTaskRow = typeof recordTasks.$inferSelect;

/** Display name of a member, as every list shows it. */
export const memberName = sql<string | null>`coalesce(${members.displayName}, ${members.fullName}, ${members.email})`;

/** Names of these members, in one query. */
export async function memberNames(ctx: ServiceContext, ids: (string | null)[]): Promise<Map<string, string | null>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (wanted.length === 0) return new Map();
  const rows = await ctx.db.select({ id: members.id, name: memberName }).from(members).where(inArray(members.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

const ref = (id: string | null, names: Map<string, string | null>) => (id ? { id, name: names.get(id) ?? null } : null);

export function toInteraction(r: InteractionRow, names: Map<string, string | null>) {
  return {
    id: r.id,
    record_id: r.recordId,
    recordset_id: r.recordsetId,
    type: r.type,
    direction: r.direction,
    subject: r.subject,
    summary: r.summary,
    outcome: r.outcome,
    duration_minutes: r.durationMinutes,
    occurred_at: r.occurredAt.toISOString(),
    member: ref(r.memberId, names),
    metadata: r.metadata,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export function toInsight(r: InsightRow) {
  return {
    id: r.id,
    record_id: r.recordId,
    recordset_id: r.recordsetId,
    type: r.type,
    title: r.title,
    body: r.body,
    priority: r.priority,
    status: r.status,
    source: r.source,
    model: r.model,
    created_by: r.createdByMemberId,
    actioned_at: iso(r.actionedAt),
    actioned_by: r.actionedByMemberId,
    action_note: r.actionNote,
    dismissed_at: iso(r.dismissedAt),
    dismissed_by: r.dismissedByMemberId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export const isOpenTask = (status: string) => status === "todo" || status === "in_progress";

export function toRecordTask(r: RecordTaskRow, names: Map<string, string | null>, now = new Date()) {
  return {
    id: r.id,
    record_id: r.recordId,
    recordset_id: r.recordsetId,
    title: r.title,
    description: r.description,
    due_at: iso(r.dueAt),
    is_overdue: isOpenTask(r.status) && r.dueAt !== null && r.dueAt < now,
    status: r.status,
    priority: r.priority,
    assignee: ref(r.assigneeMemberId, names),
    created_by: r.createdByMemberId,
    completed_at: iso(r.completedAt),
    completed_by: r.completedByMemberId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** 422 unless `id` is an active member of the workspace. */
export async function assertActiveMember(ctx: ServiceContext, id: string, loc: (string | number)[]) {
  const [m] = await ctx.db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.id, id), eq(members.isActive, true)))
    .limit(1);
  if (!m) throw invalidField(loc, "Not an active member of this workspace");
}

/**
 * A tracking row and the access its record grants: the row is as visible as its record
 * (404 otherwise, also for another workspace's ids), and writes need edit on the record.
 */
async function rowForActor<T extends { recordId: string }>(
  ctx: ServiceContext,
  id: string,
  what: string,
  load: (id: string) => Promise<T | undefined>,
  need: RecordNeed,
) {
  if (!isUuid(id)) throw new ServiceError("not_found", `${what} not found`);
  const row = await load(id);
  if (!row) throw new ServiceError("not_found", `${what} not found`);
  const access = await getRecordForActor(ctx, row.recordId, need).catch((e) => {
    if (e instanceof ServiceError && e.code === "not_found") throw new ServiceError("not_found", `${what} not found`);
    throw e;
  });
  return { row, ...access };
}

export const interactionForActor = (ctx: ServiceContext, id: string, need: RecordNeed) =>
  rowForActor(
    ctx,
    id,
    "Interaction",
    async (x) => (await ctx.db.select().from(recordInteractions).where(eq(recordInteractions.id, x)))[0],
    need,
  );

export const insightForActor = (ctx: ServiceContext, id: string, need: RecordNeed) =>
  rowForActor(ctx, id, "Insight", async (x) => (await ctx.db.select().from(recordInsights).where(eq(recordInsights.id, x)))[0], need);

export const taskForActor = (ctx: ServiceContext, id: string, need: RecordNeed) =>
  rowForActor(ctx, id, "Task", async (x) => (await ctx.db.select().from(recordTasks).where(eq(recordTasks.id, x)))[0], need);
