import { and, count, desc, eq, inArray, notInArray, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { recordActivity } from "../../activity/service";
import { notify } from "../../notifications/service";
import { getRecordForActor, recordAllows } from "../../records/internal";
import { assertActiveMember, isOpenTask, memberNames, type RecordTaskRow, taskForActor, toRecordTask } from "../internal";
import type { ListRecordTasksQuery, RecordTaskCreate, RecordTaskUpdate } from "../schemas";
import { type RecordTaskStatus, recordTasks } from "../tables";

const toDate = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));

async function view(ctx: ServiceContext, row: RecordTaskRow) {
  return toRecordTask(row, await memberNames(ctx, [row.assigneeMemberId]));
}

/** completed_at/completed_by follow the status: set when it becomes completed, cleared when reopened. */
function completion(status: RecordTaskStatus | undefined, prev: RecordTaskStatus | null, memberId: string) {
  if (status === undefined || status === prev) return {};
  return status === "completed"
    ? { completedAt: new Date(), completedByMemberId: memberId }
    : { completedAt: null, completedByMemberId: null };
}

export async function listRecordTasks(ctx: ServiceContext, recordId: string, q: ListRecordTasksQuery) {
  const { record } = await getRecordForActor(ctx, recordId, "view");
  const where: SQL[] = [eq(recordTasks.recordId, record.id)];
  if (q.status?.length) where.push(inArray(recordTasks.status, q.status));
  if (q.priority?.length) where.push(inArray(recordTasks.priority, q.priority));
  if (!q.include_completed) where.push(notInArray(recordTasks.status, ["completed", "cancelled"]));
  const cond = and(...where);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(recordTasks)
      .where(cond)
      .orderBy(desc(recordTasks.createdAt), desc(recordTasks.id))
      .offset((q.page - 1) * q.page_size)
      .limit(q.page_size),
    ctx.db.select({ n: count() }).from(recordTasks).where(cond),
  ]);
  const names = await memberNames(
    ctx,
    rows.map((r) => r.assigneeMemberId),
  );
  const now = new Date();
  return { items: rows.map((r) => toRecordTask(r, names, now)), total: total?.n ?? 0, page: q.page, page_size: q.page_size };
}

async function notifyAssignee(ctx: ServiceContext, row: RecordTaskRow, recordTitle: string | null) {
  if (!row.assigneeMemberId) return;
  await notify(ctx, {
    recipients: [row.assigneeMemberId],
    eventType: "task_assigned",
    title: `New task: ${row.title}`,
    body: recordTitle ? `On ${recordTitle}` : null,
    link: `/records/${row.recordId}`,
    data: { record_task_id: row.id, record_id: row.recordId, recordset_id: row.recordsetId },
  });
}

/** Needs edit on the record; the assignee must be an active member and is notified. */
export async function createRecordTask(ctx: ServiceContext, recordId: string, input: RecordTaskCreate) {
  const { record, memberId } = await getRecordForActor(ctx, recordId, "edit");
  if (input.assignee_id) await assertActiveMember(ctx, input.assignee_id, ["body", "assignee_id"]);
  const status = input.status ?? "todo";
  const [row] = await ctx.db
    .insert(recordTasks)
    .values({
      recordId: record.id,
      recordsetId: record.recordsetId,
      title: input.title,
      description: input.description ?? null,
      dueAt: toDate(input.due_at) ?? null,
      status,
      priority: input.priority ?? "medium",
      assigneeMemberId: input.assignee_id ?? null,
      createdByMemberId: memberId,
      ...completion(status, null, memberId),
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  await recordActivity(ctx, {
    type: "record_task.created",
    subjectType: "record",
    subjectId: record.id,
    summary: `Created task "${row.title}" on ${record.title ?? "a record"}`,
    data: { record_task_id: row.id, recordset_id: record.recordsetId },
  });
  await notifyAssignee(ctx, row, record.title);
  return view(ctx, row);
}

export async function updateRecordTask(ctx: ServiceContext, taskId: string, input: RecordTaskUpdate) {
  const { row, record, memberId } = await taskForActor(ctx, taskId, "edit");
  if (input.assignee_id) await assertActiveMember(ctx, input.assignee_id, ["body", "assignee_id"]);
  const set: Partial<typeof recordTasks.$inferInsert> = { ...completion(input.status, row.status, memberId) };
  if (input.title !== undefined) set.title = input.title;
  if (input.description !== undefined) set.description = input.description;
  if (input.due_at !== undefined) set.dueAt = toDate(input.due_at);
  if (input.status !== undefined) set.status = input.status;
  if (input.priority !== undefined) set.priority = input.priority;
  if (input.assignee_id !== undefined) set.assigneeMemberId = input.assignee_id;
  let updated = row;
  if (Object.keys(set).length > 0) {
    const [u] = await ctx.db.update(recordTasks).set(set).where(eq(recordTasks.id, row.id)).returning();
    if (u) updated = u;
  }
  if (updated.assigneeMemberId && updated.assigneeMemberId !== row.assigneeMemberId) await notifyAssignee(ctx, updated, record.title);
  return view(ctx, updated);
}

/**
 * Completes a task: editors of the record, and the task's assignee (who can view the record).
 * Completing a completed task changes nothing; a cancelled one is a 409.
 */
export async function completeRecordTask(ctx: ServiceContext, taskId: string) {
  const { row, record, permissions, memberId } = await taskForActor(ctx, taskId, "view");
  if (!recordAllows("edit", record, permissions, memberId) && row.assigneeMemberId !== memberId) {
    throw new ServiceError("forbidden", "Only editors of the record and the task's assignee can complete it");
  }
  if (row.status === "completed") return view(ctx, row);
  if (!isOpenTask(row.status)) throw new ServiceError("conflict", `A ${row.status} task cannot be completed; reopen it first`);
  const [u] = await ctx.db
    .update(recordTasks)
    .set({ status: "completed", completedAt: new Date(), completedByMemberId: memberId })
    .where(eq(recordTasks.id, row.id))
    .returning();
  await recordActivity(ctx, {
    type: "record_task.completed",
    subjectType: "record",
    subjectId: record.id,
    summary: `Completed task "${row.title}" on ${record.title ?? "a record"}`,
    data: { record_task_id: row.id, recordset_id: record.recordsetId },
  });
  return view(ctx, u ?? row);
}

export async function deleteRecordTask(ctx: ServiceContext, taskId: string) {
  const { row, record } = await taskForActor(ctx, taskId, "edit");
  await ctx.db.delete(recordTasks).where(eq(recordTasks.id, row.id));
  await recordActivity(ctx, {
    type: "record_task.deleted",
    subjectType: "record",
    subjectId: record.id,
    summary: `Deleted task "${row.title}" from ${record.title ?? "a record"}`,
    data: { record_task_id: row.id, recordset_id: record.recordsetId },
  });
  return { id: row.id, deleted: true as const };
}
