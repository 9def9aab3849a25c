import { eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { taskAssignees, tasks } from "../tables";

/** Open tasks a member owns or is assigned to (for member offboarding). */
export async function tasksAssignedTo(ctx: ServiceContext, memberId: string) {
  const rows = await ctx.db.execute<{ id: string; name: string; relation: string }>(sql`
    select t.id, t.title as name, case when t.owner_member_id = ${memberId} then 'owner' else 'assignee' end as relation
    from ${tasks} t
    where t.status not in ('completed', 'cancelled')
      and (t.owner_member_id = ${memberId} or exists (select 1 from ${taskAssignees} ta where ta.task_id = t.id and ta.member_id = ${memberId}))
    order by t.created_at`);
  return rows.rows;
}

/** Hands a member's tasks (owned and assigned, open or not) to another member. */
export async function reassignTasks(ctx: ServiceContext, from: string, to: string) {
  return ctx.db.transaction(async (tx) => {
    const owned = await tx.update(tasks).set({ ownerMemberId: to }).where(eq(tasks.ownerMemberId, from)).returning({ id: tasks.id });
    const assigned = await tx.select({ id: taskAssignees.taskId }).from(taskAssignees).where(eq(taskAssignees.memberId, from));
    // Assignments move to the new member; where they are assigned already, the old one just goes.
    await tx.execute(sql`
      update ${taskAssignees} ta set member_id = ${to}
      where ta.member_id = ${from}
        and not exists (select 1 from ${taskAssignees} o where o.task_id = ta.task_id and o.member_id = ${to})`);
    await tx.delete(taskAssignees).where(eq(taskAssignees.memberId, from));
    return new Set([...owned.map((r) => r.id), ...assigned.map((r) => r.id)]).size;
  });
}
