import { count, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { ROLE_RANK } from "../../platform/identity/roles";
import { isUuid } from "../../platform/ids";
import { channelAccessFor, visibleChannelIdsSql } from "../channels/internal";
import { channels } from "../channels/tables";
import { currentMember } from "../members/service";
import { hasPermission } from "../permissions/service";
import { myTeamIds } from "../teams/service";
import { taskAssignees, taskFiles, tasks } from "./tables";

export type TaskRow = typeof tasks.$inferSelect;

/** The database or a transaction on it. */
import type { Tx } from "../../platform/db";

export type { Tx };

/** A task with what the API shows besides its own columns. */
export interface TaskView {
  task: TaskRow;
  assigneeIds: string[];
  channelSlug: string | null;
  fileCount: number;
}

export function toTask(v: TaskView) {
  const t = v.task;
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    status: t.status,
    priority: t.priority,
    due_date: iso(t.dueDate),
    owner_id: t.ownerMemberId,
    created_by: t.createdByMemberId,
    assignee_ids: v.assigneeIds,
    channel_id: t.channelId,
    channel_slug: v.channelSlug,
    goal_id: t.goalId,
    key_result_id: t.keyResultId,
    completed_at: iso(t.completedAt),
    completed_by: t.completedByMemberId,
    completion_comment: t.completionComment,
    verification_status: t.verificationStatus,
    verified_at: iso(t.verifiedAt),
    verified_by: t.verifiedByMemberId,
    verification_comment: t.verificationComment,
    file_count: v.fileCount,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

/** Assignees, channel slugs and file counts of a page of tasks, in three queries. */
export async function viewsOf(db: Tx, rows: TaskRow[]): Promise<TaskView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((t) => t.id);
  const channelIds = [...new Set(rows.flatMap((t) => (t.channelId ? [t.channelId] : [])))];
  const [assignees, slugs, files] = await Promise.all([
    db
      .select({ taskId: taskAssignees.taskId, memberId: taskAssignees.memberId })
      .from(taskAssignees)
      .where(inArray(taskAssignees.taskId, ids))
      .orderBy(taskAssignees.createdAt, taskAssignees.memberId),
    channelIds.length
      ? db.select({ id: channels.id, slug: channels.slug }).from(channels).where(inArray(channels.id, channelIds))
      : Promise.resolve([]),
    db.select({ taskId: taskFiles.taskId, n: count() }).from(taskFiles).where(inArray(taskFiles.taskId, ids)).groupBy(taskFiles.taskId),
  ]);
  const byTask = new Map<string, string[]>();
  for (const a of assignees) byTask.set(a.taskId, [...(byTask.get(a.taskId) ?? []), a.memberId]);
  const slugOf = new Map(slugs.map((c) => [c.id, c.slug]));
  const filesOf = new Map(files.map((f) => [f.taskId, f.n]));
  return rows.map((task) => ({
    task,
    assigneeIds: byTask.get(task.id) ?? [],
    channelSlug: task.channelId ? (slugOf.get(task.channelId) ?? null) : null,
    fileCount: filesOf.get(task.id) ?? 0,
  }));
}

export async function viewOf(db: Tx, row: TaskRow): Promise<TaskView> {
  return (await viewsOf(db, [row]))[0] as TaskView;
}

export async function getTaskRow(db: Tx, taskId: string): Promise<TaskRow> {
  if (!isUuid(taskId)) throw new ServiceError("not_found", "Task not found");
  const [t] = await db.select().from(tasks).where(eq(tasks.id, taskId)).limit(1);
  if (!t) throw new ServiceError("not_found", "Task not found");
  return t;
}

export async function assigneeIdsOf(db: Tx, taskId: string): Promise<string[]> {
  const rows = await db.select({ id: taskAssignees.memberId }).from(taskAssignees).where(eq(taskAssignees.taskId, taskId));
  return rows.map((r) => r.id);
}

/** Workspace admins and owners see every task (the seed's rule). */
export const seesAllTasks = (ctx: ServiceContext) => ROLE_RANK[ctx.workspace?.role ?? "viewer"] >= ROLE_RANK.admin;

/**
 * The seed's visibility rule for one task: admins/owners see all; a channel task needs view
 * access to its channel (the channels module's one check); a standalone task needs being its
 * owner or an assignee. Invisible is 404.
 */
export async function assertTaskVisible(ctx: ServiceContext, t: TaskRow): Promise<void> {
  if (seesAllTasks(ctx)) return;
  if (t.channelId) {
    const [channel] = await ctx.db.select().from(channels).where(eq(channels.id, t.channelId)).limit(1);
    if (channel && (await channelAccessFor(ctx, channel)).canView) return;
    throw new ServiceError("not_found", "Task not found");
  }
  const me = await currentMember(ctx);
  if (t.ownerMemberId === me.id || (await assigneeIdsOf(ctx.db, t.id)).includes(me.id)) return;
  throw new ServiceError("not_found", "Task not found");
}

/**
 * The same rule as SQL over `tasks`, for lists. The channel part mirrors channelAccessFor:
 * can_manage_channel sees every channel; otherwise public channels (with can_view_channel),
 * channels you joined, and channels granted to you or one of your teams. Columns are spelled
 * with the table name: drizzle leaves it out in single-table selects, which would make `id`
 * ambiguous inside the subqueries.
 */
export async function visibleTasksSql(ctx: ServiceContext): Promise<SQL | undefined> {
  if (seesAllTasks(ctx)) return undefined;
  const [me, teamIds, manageAll, viewPublic] = await Promise.all([
    currentMember(ctx),
    myTeamIds(ctx),
    hasPermission(ctx, "can_manage_channel"),
    hasPermission(ctx, "can_view_channel"),
  ]);
  const ids = visibleChannelIdsSql({ memberId: me.id, teamIds, manageAll, viewPublic });
  const channelVisible = ids ? sql`"tasks"."channel_id" in (${ids})` : sql`"tasks"."channel_id" is not null`;
  return sql`(${channelVisible} or ("tasks"."channel_id" is null and (
    "tasks"."owner_member_id" = ${me.id}
    or exists (select 1 from task_assignees ta where ta.task_id = "tasks"."id" and ta.member_id = ${me.id})
  )))`;
}

/** Tasks owned by or assigned to any of `memberIds`. */
export function ownerOrAssigneeSql(memberIds: SQL): SQL {
  return sql`("tasks"."owner_member_id" in (${memberIds})
    or exists (select 1 from task_assignees ta where ta.task_id = "tasks"."id" and ta.member_id in (${memberIds})))`;
}

export const inList = (ids: string[]) =>
  sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
