import { and, asc, count, desc, eq, ilike, inArray, isNull, notInArray, or, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { getChannelForActor } from "../../channels/internal";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { requirePermission } from "../../permissions/service";
import { teamMembers } from "../../teams/tables";
import { assertTaskVisible, getTaskRow, inList, ownerOrAssigneeSql, toTask, viewsOf, visibleTasksSql } from "../internal";
import type { ListChannelTasksQuery, ListTasksQuery, TaskHistoryQuery } from "../schemas";
import { taskFiles, taskHistory, tasks } from "../tables";

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

async function meOr(ctx: ServiceContext, v: string) {
  return v === "me" ? (await currentMember(ctx)).id : v;
}

/** Filters shared by the workspace list and the channel list. */
async function commonFilters(ctx: ServiceContext, q: ListChannelTasksQuery): Promise<SQL[]> {
  const where: SQL[] = [];
  if (q.search) {
    const p = `%${escapeLike(q.search)}%`;
    where.push(or(ilike(tasks.title, p), ilike(tasks.description, p)) as SQL);
  }
  if (q.status?.length) where.push(inArray(tasks.status, q.status));
  if (q.priority?.length) where.push(inArray(tasks.priority, q.priority));
  if (q.assignee) {
    const id = await meOr(ctx, q.assignee);
    where.push(sql`exists (select 1 from task_assignees ta where ta.task_id = "tasks"."id" and ta.member_id = ${id})`);
  }
  if (q.include_completed === false) where.push(notInArray(tasks.status, ["completed", "cancelled"]));
  return where;
}

async function page(ctx: ServiceContext, where: (SQL | undefined)[], q: { page: number; page_size: number }) {
  const cond = and(...where);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(tasks)
      .where(cond)
      .orderBy(desc(tasks.createdAt), desc(tasks.id))
      .offset((q.page - 1) * q.page_size)
      .limit(q.page_size),
    ctx.db.select({ n: count() }).from(tasks).where(cond),
  ]);
  const views = await viewsOf(ctx.db, rows);
  return { items: views.map(toTask), total: total?.n ?? 0, page: q.page, page_size: q.page_size };
}

/**
 * All tasks the caller may see (admins/owners: every task; others: tasks of channels they can
 * view, and standalone tasks they own or are assigned), filtered, newest first, paged.
 */
export async function listTasks(ctx: ServiceContext, q: ListTasksQuery) {
  await requirePermission(ctx, "can_view_action");
  const where: (SQL | undefined)[] = [await visibleTasksSql(ctx), ...(await commonFilters(ctx, q))];
  if (q.channel_id === "null") where.push(isNull(tasks.channelId));
  else if (q.channel_id) where.push(eq(tasks.channelId, q.channel_id));
  if (q.goal_id) where.push(eq(tasks.goalId, q.goal_id));
  if (q.key_result_id) where.push(eq(tasks.keyResultId, q.key_result_id));
  if (q.owner) where.push(eq(tasks.ownerMemberId, await meOr(ctx, q.owner)));
  if (q.user_ids) where.push(q.user_ids.length ? ownerOrAssigneeSql(inList(q.user_ids)) : sql`false`);
  if (q.team_ids) {
    where.push(
      q.team_ids.length
        ? ownerOrAssigneeSql(sql`select tm.member_id from ${teamMembers} tm where tm.team_id in (${inList(q.team_ids)})`)
        : sql`false`,
    );
  }
  return page(ctx, where, q);
}

/** Tasks of one channel (404 when the channel is not visible to the caller). */
export async function listChannelTasks(ctx: ServiceContext, slug: string, q: ListChannelTasksQuery) {
  const access = await getChannelForActor(ctx, slug);
  await requirePermission(ctx, "can_view_action");
  return page(ctx, [eq(tasks.channelId, access.channel.id), ...(await commonFilters(ctx, q))], q);
}

export async function getTask(ctx: ServiceContext, taskId: string) {
  await requirePermission(ctx, "can_view_action");
  const t = await getTaskRow(ctx.db, taskId);
  await assertTaskVisible(ctx, t);
  const [v] = await viewsOf(ctx.db, [t]);
  return toTask(v as NonNullable<typeof v>);
}

async function visibleTask(ctx: ServiceContext, taskId: string) {
  await requirePermission(ctx, "can_view_action");
  const t = await getTaskRow(ctx.db, taskId);
  await assertTaskVisible(ctx, t);
  return t;
}

/** Files attached to the task, oldest first. */
export async function listTaskFiles(ctx: ServiceContext, taskId: string) {
  const t = await visibleTask(ctx, taskId);
  const rows = await ctx.db.select().from(taskFiles).where(eq(taskFiles.taskId, t.id)).orderBy(asc(taskFiles.seq));
  return rows.map((f) => ({
    id: f.id,
    task_id: f.taskId,
    file_name: f.fileName,
    content_type: f.contentType,
    size: f.size,
    storage_key: f.storageKey,
    uploaded_by: f.uploadedByMemberId,
    created_at: f.createdAt.toISOString(),
  }));
}

/** What happened to the task, newest first (limit/offset). */
export async function listTaskHistory(ctx: ServiceContext, taskId: string, q: TaskHistoryQuery) {
  const t = await visibleTask(ctx, taskId);
  const [rows, total] = await Promise.all([
    ctx.db
      .select({
        h: taskHistory,
        name: sql<string | null>`coalesce(${members.displayName}, ${members.fullName}, ${members.email})`,
      })
      .from(taskHistory)
      .leftJoin(members, eq(members.id, taskHistory.actorMemberId))
      .where(eq(taskHistory.taskId, t.id))
      .orderBy(desc(taskHistory.seq))
      .offset(q.offset)
      .limit(q.limit),
    ctx.db.$count(taskHistory, eq(taskHistory.taskId, t.id)),
  ]);
  return {
    items: rows.map(({ h, name }) => ({
      id: h.id,
      task_id: h.taskId,
      action: h.action,
      actor_member_id: h.actorMemberId,
      actor_name: name,
      changes: h.changes,
      comment: h.comment,
      created_at: h.createdAt.toISOString(),
    })),
    total,
    limit: q.limit,
    offset: q.offset,
  };
}
