import { bigint, bigserial, index, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { channels } from "../channels/tables";
import { goals, keyResults } from "../goals/tables";
import { members } from "../members/tables";

export type TaskStatus = "todo" | "in_progress" | "blocked" | "completed" | "cancelled";
export type TaskPriority = "low" | "medium" | "high" | "urgent";
export type VerificationStatus = "pending" | "verified" | "rejected";

/**
 * Tenant database: tasks ("actions" in the permission catalogue). A task with `channel_id` is a
 * channel task (visible to whoever can view the channel); without it, a standalone task (visible
 * to its owner and assignees). Admins and owners see every task.
 */
export const tasks = pgTable(
  "tasks",
  {
    id: pk(),
    title: text("title").notNull(),
    description: text("description"),
    status: text("status").$type<TaskStatus>().notNull().default("todo"),
    priority: text("priority").$type<TaskPriority>().notNull().default("medium"),
    dueDate: ts("due_date"),
    ownerMemberId: uuid("owner_member_id").references(() => members.id, { onDelete: "set null" }),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    channelId: uuid("channel_id").references(() => channels.id, { onDelete: "cascade" }),
    goalId: uuid("goal_id").references(() => goals.id, { onDelete: "set null" }),
    keyResultId: uuid("key_result_id").references(() => keyResults.id, { onDelete: "set null" }),
    completedAt: ts("completed_at"),
    completedByMemberId: uuid("completed_by_member_id").references(() => members.id, { onDelete: "set null" }),
    completionComment: text("completion_comment"),
    /** Set to pending on completion; the owner (or an editor of any task) verifies or rejects. */
    verificationStatus: text("verification_status").$type<VerificationStatus>(),
    verifiedAt: ts("verified_at"),
    verifiedByMemberId: uuid("verified_by_member_id").references(() => members.id, { onDelete: "set null" }),
    verificationComment: text("verification_comment"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("tasks_channel_idx").on(t.channelId, t.createdAt),
    index("tasks_owner_idx").on(t.ownerMemberId),
    index("tasks_goal_idx").on(t.goalId),
    index("tasks_key_result_idx").on(t.keyResultId),
    index("tasks_status_idx").on(t.status),
  ],
);

export const taskAssignees = pgTable(
  "task_assignees",
  {
    taskId: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: "task_assignees_pkey", columns: [t.taskId, t.memberId] }), index("task_assignees_member_idx").on(t.memberId)],
);

/** Every change to a task: who, when, what (field → {from, to}) and an optional comment. */
export const taskHistory = pgTable(
  "task_history",
  {
    id: pk(),
    /** Insertion order: several entries written in one transaction share created_at. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    taskId: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    actorMemberId: uuid("actor_member_id").references(() => members.id, { onDelete: "set null" }),
    /** created, updated, completed, reopened, verified, rejected, file_attached */
    action: text("action").notNull(),
    changes: jsonb("changes").$type<Record<string, { from: unknown; to: unknown }>>().notNull().default({}),
    comment: text("comment"),
    createdAt: createdAt(),
  },
  (t) => [index("task_history_task_idx").on(t.taskId, t.seq)],
);

/** Files attached to a task (on completion); the bytes live in R2 under tasks/<task id>/. */
export const taskFiles = pgTable(
  "task_files",
  {
    id: pk(),
    /** Upload order: the files of one completion share created_at. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    taskId: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    storageKey: text("storage_key").notNull(),
    fileName: text("file_name").notNull(),
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    uploadedByMemberId: uuid("uploaded_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("task_files_task_idx").on(t.taskId, t.seq)],
);
