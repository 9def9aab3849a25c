import { eq } from "drizzle-orm";
import type { Tx } from "../../../platform/db";
import type { EventData } from "../../../platform/events/catalogue";
import { taskAssignees, type tasks } from "../tables";

type TaskRow = typeof tasks.$inferSelect;

/** A task as event payloads carry it (read inside the event's transaction). */
export async function taskEventData(tx: Tx, t: TaskRow): Promise<EventData<"task.created">["task"]> {
  const assignees = await tx.select({ id: taskAssignees.memberId }).from(taskAssignees).where(eq(taskAssignees.taskId, t.id));
  return {
    id: t.id,
    title: t.title,
    status: t.status,
    priority: t.priority,
    channel_id: t.channelId,
    assignee_member_ids: assignees.map((a) => a.id),
    due_date: t.dueDate ? t.dueDate.toISOString() : null,
    completed_at: t.completedAt ? t.completedAt.toISOString() : null,
  };
}
