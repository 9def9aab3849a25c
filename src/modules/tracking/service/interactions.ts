import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { recordActivity } from "../../activity/service";
import { getRecordForActor } from "../../records/internal";
import { assertActiveMember, interactionForActor, memberNames, toInteraction } from "../internal";
import type { InteractionCreate, InteractionUpdate, ListInteractionsQuery } from "../schemas";
import { recordInteractions } from "../tables";

/** The record's timeline: newest interaction first (by occurred_at). Needs view. */
export async function listInteractions(ctx: ServiceContext, recordId: string, q: ListInteractionsQuery) {
  const { record } = await getRecordForActor(ctx, recordId, "view");
  const where: SQL[] = [eq(recordInteractions.recordId, record.id)];
  if (q.interaction_type?.length) where.push(inArray(recordInteractions.type, q.interaction_type));
  const cond = and(...where);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(recordInteractions)
      .where(cond)
      .orderBy(desc(recordInteractions.occurredAt), desc(recordInteractions.id))
      .offset((q.page - 1) * q.page_size)
      .limit(q.page_size),
    ctx.db.select({ n: count() }).from(recordInteractions).where(cond),
  ]);
  const names = await memberNames(
    ctx,
    rows.map((r) => r.memberId),
  );
  return { items: rows.map((r) => toInteraction(r, names)), total: total?.n ?? 0, page: q.page, page_size: q.page_size };
}

/** Logs an interaction (by the caller unless member_id says who). Needs edit on the record. */
export async function logInteraction(ctx: ServiceContext, recordId: string, input: InteractionCreate) {
  const { record, memberId } = await getRecordForActor(ctx, recordId, "edit");
  if (input.member_id) await assertActiveMember(ctx, input.member_id, ["body", "member_id"]);
  const [row] = await ctx.db
    .insert(recordInteractions)
    .values({
      recordId: record.id,
      recordsetId: record.recordsetId,
      type: input.type,
      direction: input.direction ?? null,
      subject: input.subject ?? null,
      summary: input.summary ?? null,
      outcome: input.outcome ?? null,
      durationMinutes: input.duration_minutes ?? null,
      occurredAt: input.occurred_at ? new Date(input.occurred_at) : new Date(),
      memberId: input.member_id === undefined ? memberId : input.member_id,
      metadata: input.metadata ?? {},
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  await recordActivity(ctx, {
    type: "record_interaction.logged",
    subjectType: "record",
    subjectId: record.id,
    summary: `Logged a ${row.type} on ${record.title ?? "a record"}`,
    data: { interaction_id: row.id, recordset_id: record.recordsetId, type: row.type },
  });
  return toInteraction(row, await memberNames(ctx, [row.memberId]));
}

export async function updateInteraction(ctx: ServiceContext, interactionId: string, input: InteractionUpdate) {
  const { row } = await interactionForActor(ctx, interactionId, "edit");
  if (input.member_id) await assertActiveMember(ctx, input.member_id, ["body", "member_id"]);
  const set: Partial<typeof recordInteractions.$inferInsert> = {};
  if (input.type !== undefined) set.type = input.type;
  if (input.direction !== undefined) set.direction = input.direction;
  if (input.subject !== undefined) set.subject = input.subject;
  if (input.summary !== undefined) set.summary = input.summary;
  if (input.outcome !== undefined) set.outcome = input.outcome;
  if (input.duration_minutes !== undefined) set.durationMinutes = input.duration_minutes;
  if (input.occurred_at !== undefined) set.occurredAt = new Date(input.occurred_at);
  if (input.member_id !== undefined) set.memberId = input.member_id;
  if (input.metadata !== undefined) set.metadata = input.metadata;
  let updated = row;
  if (Object.keys(set).length > 0) {
    const [u] = await ctx.db.update(recordInteractions).set(set).where(eq(recordInteractions.id, row.id)).returning();
    if (u) updated = u;
  }
  return toInteraction(updated, await memberNames(ctx, [updated.memberId]));
}

export async function deleteInteraction(ctx: ServiceContext, interactionId: string) {
  const { row, record } = await interactionForActor(ctx, interactionId, "edit");
  await ctx.db.delete(recordInteractions).where(eq(recordInteractions.id, row.id));
  await recordActivity(ctx, {
    type: "record_interaction.deleted",
    subjectType: "record",
    subjectId: record.id,
    summary: `Deleted a ${row.type} from ${record.title ?? "a record"}`,
    data: { interaction_id: row.id, recordset_id: record.recordsetId },
  });
  return { id: row.id, deleted: true as const };
}
