import { and, eq, inArray } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { recordActivity } from "../../activity/service";
import { getChannelForActor } from "../../channels/internal";
import { assertGoalLink } from "../../goals/service";
import { currentMember } from "../../members/service";
import { notify } from "../../notifications/service";
import { requirePermission } from "../../permissions/service";
import { assertTaskVisible, assigneeIdsOf, getTaskRow, type TaskRow, toTask, viewOf } from "../internal";
import type { TaskCreate, TaskUpdate } from "../schemas";
import { taskAssignees, taskFiles, taskHistory, tasks } from "../tables";
import { activeMember, activeMembers, postableChannel, requireDelete, requireEdit, requirePost } from "./access";
import { taskEventData } from "./events";

/** "2026-03-31" is midnight UTC of that day; date-times keep their instant. */
const toDate = (v: string | null | undefined) => (v ? new Date(v.length === 10 ? `${v}T00:00:00Z` : v) : null);
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** Tells new assignees about their task. */
export async function notifyAssigned(ctx: ServiceContext, t: TaskRow, memberIds: string[]) {
  if (memberIds.length === 0) return;
  await notify(ctx, {
    recipients: memberIds,
    eventType: "task_assigned",
    title: `You were assigned "${t.title}"`,
    link: `/tasks/${t.id}`,
    data: { task_id: t.id, channel_id: t.channelId },
  });
}

async function create(ctx: ServiceContext, input: TaskCreate, channelId: string | null) {
  const creator = await currentMember(ctx);
  const ownerId = input.owner_id && input.owner_id !== creator.id ? await activeMember(ctx, input.owner_id, "owner_id") : creator.id;
  const assignees = await activeMembers(ctx, input.assignee_ids ?? [], "assignee_ids");
  const goalId = await assertGoalLink(ctx, input.goal_id, input.key_result_id);
  const status = input.status ?? "todo";
  const completed = status === "completed";
  const row = await ctx.db.transaction(async (tx) => {
    const [t] = await tx
      .insert(tasks)
      .values({
        title: input.title,
        description: input.description ?? null,
        status,
        priority: input.priority ?? "medium",
        dueDate: toDate(input.due_date),
        ownerMemberId: ownerId,
        createdByMemberId: creator.id,
        channelId,
        goalId,
        keyResultId: input.key_result_id ?? null,
        ...(completed ? { completedAt: new Date(), completedByMemberId: creator.id, verificationStatus: "pending" as const } : {}),
      })
      .returning();
    if (!t) throw new ServiceError("internal_error", "Task was not created");
    if (assignees.length > 0) await tx.insert(taskAssignees).values(assignees.map((memberId) => ({ taskId: t.id, memberId })));
    await tx.insert(taskHistory).values({ taskId: t.id, actorMemberId: creator.id, action: "created" });
    await emitEvent(ctx, tx, "task.created", { task: await taskEventData(tx, t), actor_member_id: creator.id });
    return t;
  });
  await recordActivity(ctx, {
    type: "task.created",
    subjectType: "task",
    subjectId: row.id,
    channelId,
    summary: `Task "${row.title}" created`,
  });
  await notifyAssigned(ctx, row, assignees);
  return toTask(await viewOf(ctx.db, row));
}

/** POST /tasks: standalone, or in a channel (channel_id) the caller can post in. */
export async function createTask({ ctx, input }: { ctx: ServiceContext; input: TaskCreate }) {
  await requirePermission(ctx, "can_create_action");
  const channelId = input.channel_id ? (await postableChannel(ctx, input.channel_id)).channel.id : null;
  return create(ctx, input, channelId);
}

/** POST /channels/{slug}/tasks: needs view (404) and post (403) access to the channel. */
export async function createChannelTask({
  ctx,
  slug,
  input,
}: {
  ctx: ServiceContext;
  slug: string;
  input: Omit<TaskCreate, "channel_id">;
}) {
  const access = await getChannelForActor(ctx, slug);
  await requirePermission(ctx, "can_create_action");
  requirePost(access);
  return create(ctx, input, access.channel.id);
}

async function update(ctx: ServiceContext, t: TaskRow, input: TaskUpdate) {
  await requireEdit(ctx, t);
  const actor = await currentMember(ctx);
  const before = await assigneeIdsOf(ctx.db, t.id);

  const set: Partial<typeof tasks.$inferInsert> = {};
  if (input.title !== undefined) set.title = input.title;
  if (input.description !== undefined) set.description = input.description;
  if (input.priority !== undefined) set.priority = input.priority;
  if (input.due_date !== undefined) set.dueDate = toDate(input.due_date);
  if (input.owner_id !== undefined && input.owner_id !== t.ownerMemberId) {
    set.ownerMemberId = await activeMember(ctx, input.owner_id, "owner_id");
  }
  const assignees = input.assignee_ids !== undefined ? await activeMembers(ctx, input.assignee_ids, "assignee_ids") : undefined;
  if (input.channel_id !== undefined && input.channel_id !== t.channelId) {
    set.channelId = input.channel_id ? (await postableChannel(ctx, input.channel_id)).channel.id : null;
  }
  if (input.key_result_id) {
    // A key result decides the goal; a goal given with it must be the same one.
    set.goalId = await assertGoalLink(ctx, input.goal_id ?? null, input.key_result_id);
    set.keyResultId = input.key_result_id;
  } else {
    if (input.goal_id !== undefined) {
      set.goalId = await assertGoalLink(ctx, input.goal_id, null);
      // The old key result belongs to the old goal.
      if (input.goal_id !== t.goalId) set.keyResultId = null;
    }
    if (input.key_result_id === null) set.keyResultId = null;
  }
  if (input.status !== undefined && input.status !== t.status) {
    set.status = input.status;
    if (input.status === "completed")
      Object.assign(set, { completedAt: new Date(), completedByMemberId: actor.id, verificationStatus: "pending" });
    else if (t.status === "completed") Object.assign(set, clearedCompletion);
  }

  // What changed, field by field (API names), for the history.
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const field: [keyof typeof set, string, (r: Partial<TaskRow>) => unknown][] = [
    ["title", "title", (r) => r.title],
    ["description", "description", (r) => r.description],
    ["status", "status", (r) => r.status],
    ["priority", "priority", (r) => r.priority],
    ["dueDate", "due_date", (r) => isoOrNull(r.dueDate ?? null)],
    ["ownerMemberId", "owner_id", (r) => r.ownerMemberId],
    ["channelId", "channel_id", (r) => r.channelId],
    ["goalId", "goal_id", (r) => r.goalId],
    ["keyResultId", "key_result_id", (r) => r.keyResultId],
  ];
  for (const [key, name, get] of field) {
    if (!(key in set)) continue;
    const from = get(t);
    const to = get(set as Partial<TaskRow>);
    if (from !== to) changes[name] = { from, to };
  }
  const added = assignees ? assignees.filter((id) => !before.includes(id)) : [];
  const removed = assignees ? before.filter((id) => !assignees.includes(id)) : [];
  if (added.length > 0 || removed.length > 0) changes.assignee_ids = { from: before, to: assignees };
  if (Object.keys(changes).length === 0) return toTask(await viewOf(ctx.db, t));

  const row = await ctx.db.transaction(async (tx) => {
    // updated_at moves even when only the assignees changed (and drizzle refuses an empty SET).
    const [u] = await tx
      .update(tasks)
      .set({ ...set, updatedAt: new Date() })
      .where(eq(tasks.id, t.id))
      .returning();
    if (!u) throw new ServiceError("not_found", "Task not found");
    if (removed.length > 0)
      await tx.delete(taskAssignees).where(and(eq(taskAssignees.taskId, t.id), inArray(taskAssignees.memberId, removed)));
    if (added.length > 0)
      await tx
        .insert(taskAssignees)
        .values(added.map((memberId) => ({ taskId: t.id, memberId })))
        .onConflictDoNothing();
    await tx.insert(taskHistory).values({ taskId: t.id, actorMemberId: actor.id, action: "updated", changes });
    if (u.status === "completed" && t.status !== "completed") {
      await emitEvent(ctx, tx, "task.completed", { task: await taskEventData(tx, u), actor_member_id: actor.id, comment: null });
    }
    return u;
  });
  await recordActivity(ctx, {
    type: "task.updated",
    subjectType: "task",
    subjectId: t.id,
    channelId: row.channelId,
    summary: `Task "${row.title}" updated`,
    data: { fields: Object.keys(changes) },
  });
  await notifyAssigned(ctx, row, added);
  return toTask(await viewOf(ctx.db, row));
}

/** Completion fields back to "not completed" (reopen, reject, status moved off completed). */
export const clearedCompletion = {
  completedAt: null,
  completedByMemberId: null,
  completionComment: null,
  verificationStatus: null,
  verifiedAt: null,
  verifiedByMemberId: null,
  verificationComment: null,
} as const;

export async function updateTask({ ctx, taskId, input }: { ctx: ServiceContext; taskId: string; input: TaskUpdate }) {
  const t = await getTaskRow(ctx.db, taskId);
  await assertTaskVisible(ctx, t);
  return update(ctx, t, input);
}

/** A task of the channel, or 404 (tasks of other channels are not found through this path). */
async function channelTask(ctx: ServiceContext, slug: string, taskId: string) {
  const access = await getChannelForActor(ctx, slug);
  const t = await getTaskRow(ctx.db, taskId);
  if (t.channelId !== access.channel.id) throw new ServiceError("not_found", "Task not found");
  return t;
}

export async function updateChannelTask({
  ctx,
  slug,
  taskId,
  input,
}: {
  ctx: ServiceContext;
  slug: string;
  taskId: string;
  input: Omit<TaskUpdate, "channel_id">;
}) {
  return update(ctx, await channelTask(ctx, slug, taskId), input);
}

async function remove(ctx: ServiceContext, t: TaskRow) {
  await requireDelete(ctx, t);
  const files = await ctx.db.select({ key: taskFiles.storageKey }).from(taskFiles).where(eq(taskFiles.taskId, t.id));
  await ctx.db.delete(tasks).where(eq(tasks.id, t.id));
  // The rows are gone with the task (cascade); the bytes go after, so a failed delete keeps both.
  if (files.length > 0) await ctx.env.FILES.delete(files.map((f) => f.key));
  await recordActivity(ctx, {
    type: "task.deleted",
    subjectType: "task",
    subjectId: t.id,
    channelId: t.channelId,
    summary: `Task "${t.title}" deleted`,
  });
}

export async function deleteTask(ctx: ServiceContext, taskId: string) {
  const t = await getTaskRow(ctx.db, taskId);
  await assertTaskVisible(ctx, t);
  await remove(ctx, t);
}

export async function deleteChannelTask(ctx: ServiceContext, slug: string, taskId: string) {
  await remove(ctx, await channelTask(ctx, slug, taskId));
}
