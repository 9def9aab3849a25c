import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

export const TaskStatusSchema = z.enum(["todo", "in_progress", "blocked", "completed", "cancelled"]).openapi("TaskStatus");
export const TaskPrioritySchema = z.enum(["low", "medium", "high", "urgent"]).openapi("TaskPriority");
export const VerificationStatusSchema = z.enum(["pending", "verified", "rejected"]).openapi("TaskVerificationStatus");

export const TaskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    status: TaskStatusSchema,
    priority: TaskPrioritySchema,
    due_date: isoDate.nullable(),
    owner_id: z.uuid().nullable(),
    created_by: z.uuid().nullable(),
    assignee_ids: z.array(z.uuid()),
    channel_id: z.uuid().nullable(),
    channel_slug: z.string().nullable(),
    goal_id: z.uuid().nullable(),
    key_result_id: z.uuid().nullable(),
    completed_at: isoDate.nullable(),
    completed_by: z.uuid().nullable(),
    completion_comment: z.string().nullable(),
    verification_status: VerificationStatusSchema.nullable(),
    verified_at: isoDate.nullable(),
    verified_by: z.uuid().nullable(),
    verification_comment: z.string().nullable(),
    file_count: z.number().int(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Task");

export const TaskPageSchema = z
  .object({ items: z.array(TaskSchema), total: z.number().int(), page: z.number().int(), page_size: z.number().int() })
  .openapi("TaskPage");

export const TaskFileSchema = z
  .object({
    id: z.uuid(),
    task_id: z.uuid(),
    file_name: z.string(),
    content_type: z.string(),
    size: z.number().int(),
    storage_key: z.string().openapi({ description: "R2 object key (tasks/<task id>/<file id>)" }),
    uploaded_by: z.uuid().nullable(),
    created_at: isoDate,
  })
  .openapi("TaskFile");

export const TaskHistoryEntrySchema = z
  .object({
    id: z.uuid(),
    task_id: z.uuid(),
    action: z.string().openapi({ example: "updated" }),
    actor_member_id: z.uuid().nullable(),
    actor_name: z.string().nullable(),
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
    comment: z.string().nullable(),
    created_at: isoDate,
  })
  .openapi("TaskHistoryEntry");

export const TaskHistoryPageSchema = z
  .object({ items: z.array(TaskHistoryEntrySchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("TaskHistoryPage");

const title = z.string().trim().min(1).max(500);
const description = z.string().trim().max(10_000).nullable();
/** A date (end of that day is not implied: midnight UTC) or a date-time with offset. */
const dueDate = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .nullable()
  .openapi({ example: "2026-03-31T17:00:00Z" });
const assigneeIds = z
  .array(z.uuid())
  .max(50)
  .openapi({ description: "Active members of the workspace; they are notified (task_assigned)" });

const taskFields = {
  title,
  description: description.optional(),
  status: TaskStatusSchema.optional(),
  priority: TaskPrioritySchema.optional(),
  due_date: dueDate.optional(),
  owner_id: z.uuid().optional().openapi({ description: "An active member; defaults to the caller" }),
  assignee_ids: assigneeIds.optional(),
  goal_id: z.uuid().nullable().optional(),
  key_result_id: z.uuid().nullable().optional().openapi({ description: "A key result/step; sets goal_id to its goal" }),
};

export const ChannelTaskCreate = z.object(taskFields).openapi("ChannelTaskCreate");
export const TaskCreate = z
  .object({
    ...taskFields,
    channel_id: z.uuid().nullable().optional().openapi({ description: "A channel you can post in; omit for a standalone task" }),
  })
  .openapi("TaskCreate");
export type TaskCreate = z.infer<typeof TaskCreate>;

const updateFields = {
  title: title.optional(),
  description: description.optional(),
  status: TaskStatusSchema.optional(),
  priority: TaskPrioritySchema.optional(),
  due_date: dueDate.optional(),
  owner_id: z.uuid().optional(),
  assignee_ids: assigneeIds.optional().openapi({ description: "The full new list; members added are notified" }),
  goal_id: z.uuid().nullable().optional(),
  key_result_id: z.uuid().nullable().optional(),
};

export const ChannelTaskUpdate = z.object(updateFields).openapi("ChannelTaskUpdate");
export const TaskUpdate = z
  .object({
    ...updateFields,
    channel_id: z.uuid().nullable().optional().openapi({ description: "Move to a channel you can post in; null makes it standalone" }),
  })
  .openapi("TaskUpdate");
export type TaskUpdate = z.infer<typeof TaskUpdate>;

export const TaskAttachment = z
  .object({
    file_name: z.string().trim().min(1).max(255),
    content_type: z.string().trim().min(1).max(255).default("application/octet-stream"),
    content_base64: z.base64().min(1).openapi({ description: "The file's bytes, base64-encoded" }),
  })
  .openapi("TaskAttachment");

export const TaskCompleteJson = z
  .object({
    comment: z.string().trim().max(5000).optional(),
    attachments: z.array(TaskAttachment).max(10).optional(),
  })
  .openapi("TaskComplete");
export type TaskCompleteJson = z.infer<typeof TaskCompleteJson>;

export const TaskCompleteForm = z
  .object({
    comment: z.string().trim().max(5000).optional(),
    files: z
      .any()
      .optional()
      .openapi({ type: "array", items: { type: "string", format: "binary" }, description: "Up to 10 files, 10 MB each" }),
  })
  .openapi("TaskCompleteUpload");

export const TaskVerify = z
  .object({
    action: z.enum(["verify", "reject"]),
    reason: z.string().trim().min(1).max(5000).optional().openapi({ description: "Required when rejecting" }),
  })
  .superRefine((v, c) => {
    if (v.action === "reject" && !v.reason) c.addIssue({ code: "custom", path: ["reason"], message: "A reason is required to reject" });
  })
  .openapi("TaskVerify");
export type TaskVerify = z.infer<typeof TaskVerify>;

export const TaskIdParam = z.object({
  task_id: z.string().openapi({ param: { name: "task_id", in: "path" } }),
});
export const ChannelSlugParam = z.object({
  channel_slug: z.string().openapi({ param: { name: "channel_slug", in: "path" } }),
});
export const ChannelTaskParams = z.object({
  channel_slug: z.string().openapi({ param: { name: "channel_slug", in: "path" } }),
  task_id: z.string().openapi({ param: { name: "task_id", in: "path" } }),
});

const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });

/** "a,b,c" → ["a","b","c"], each a UUID (422 otherwise). */
const idList = (name: string, description: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.uuid()).max(100))
    .optional()
    .openapi({ ...q(name, description), type: "string" });

const enumList = <T extends string>(e: z.ZodType<T, string>, name: string, description: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(e))
    .optional()
    .openapi({ ...q(name, description), type: "string" });

const page = {
  page: z.coerce.number().int().min(1).default(1).openapi(q("page", "1-based")),
  page_size: z.coerce.number().int().min(1).max(100).default(50).openapi(q("page_size", "At most 100")),
};
const boolParam = (name: string, description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ ...q(name, description), type: "boolean" });
const meOrId = (name: string, description: string) =>
  z
    .union([z.uuid(), z.literal("me")])
    .optional()
    .openapi(q(name, description));

export const ListTasksQuery = z.object({
  ...page,
  search: z.string().trim().max(200).optional().openapi(q("search", "Case-insensitive match in title and description")),
  status: enumList(TaskStatusSchema, "status", "todo, in_progress, blocked, completed, cancelled (comma-separated for several)"),
  priority: enumList(TaskPrioritySchema, "priority", "low, medium, high, urgent (comma-separated for several)"),
  channel_id: z
    .union([z.uuid(), z.literal("null")])
    .optional()
    .openapi(q("channel_id", 'Tasks of this channel; "null" for standalone tasks')),
  goal_id: z.uuid().optional().openapi(q("goal_id", "Tasks linked to this goal")),
  key_result_id: z.uuid().optional().openapi(q("key_result_id", "Tasks linked to this key result/step")),
  owner: meOrId("owner", '"me" or a member id'),
  assignee: meOrId("assignee", '"me" or a member id'),
  user_ids: idList("user_ids", "Comma-separated member ids: tasks they own OR are assigned"),
  team_ids: idList("team_ids", "Comma-separated team ids: tasks owned by or assigned to members of those teams"),
  include_completed: boolParam("include_completed", "Include completed and cancelled tasks (default true)"),
});
export type ListTasksQuery = z.infer<typeof ListTasksQuery>;

export const ListChannelTasksQuery = z.object({
  ...page,
  search: ListTasksQuery.shape.search,
  status: ListTasksQuery.shape.status,
  priority: ListTasksQuery.shape.priority,
  assignee: ListTasksQuery.shape.assignee,
  include_completed: ListTasksQuery.shape.include_completed,
});
export type ListChannelTasksQuery = z.infer<typeof ListChannelTasksQuery>;

export const TaskHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi(q("limit", "At most 200")),
  offset: z.coerce.number().int().min(0).default(0).openapi(q("offset", "Entries to skip")),
});
export type TaskHistoryQuery = z.infer<typeof TaskHistoryQuery>;
