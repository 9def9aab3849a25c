import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";
import { INSIGHT_TYPES, INTERACTION_DIRECTIONS, INTERACTION_TYPES, RECORD_TASK_STATUSES, TRACKING_PRIORITIES } from "./tables";

export const InteractionTypeSchema = z.enum(INTERACTION_TYPES).openapi("InteractionType");
export const InteractionDirectionSchema = z.enum(INTERACTION_DIRECTIONS).openapi("InteractionDirection");
export const InsightTypeSchema = z.enum(INSIGHT_TYPES).openapi("InsightType");
export const InsightStatusSchema = z.enum(["active", "dismissed", "actioned"]).openapi("InsightStatus");
export const TrackingPrioritySchema = z.enum(TRACKING_PRIORITIES).openapi("TrackingPriority");
export const RecordTaskStatusSchema = z.enum(RECORD_TASK_STATUSES).openapi("RecordTaskStatus");

const memberRef = z.object({ id: z.uuid(), name: z.string().nullable() }).nullable();

// ---- responses ------------------------------------------------------------------------------

export const InteractionSchema = z
  .object({
    id: z.uuid(),
    record_id: z.uuid(),
    recordset_id: z.uuid(),
    type: InteractionTypeSchema,
    direction: InteractionDirectionSchema.nullable(),
    subject: z.string().nullable(),
    summary: z.string().nullable(),
    outcome: z.string().nullable(),
    duration_minutes: z.number().int().nullable(),
    occurred_at: isoDate,
    member: memberRef.openapi({ description: "Who had (or logged) the interaction" }),
    metadata: z.record(z.string(), z.unknown()),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("RecordInteraction");

export const InsightSchema = z
  .object({
    id: z.uuid(),
    record_id: z.uuid(),
    recordset_id: z.uuid(),
    type: InsightTypeSchema,
    title: z.string(),
    body: z.string(),
    priority: TrackingPrioritySchema,
    status: InsightStatusSchema,
    source: z.enum(["ai", "manual"]),
    model: z.string().nullable(),
    created_by: z.uuid().nullable(),
    actioned_at: isoDate.nullable(),
    actioned_by: z.uuid().nullable(),
    action_note: z.string().nullable(),
    dismissed_at: isoDate.nullable(),
    dismissed_by: z.uuid().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("RecordInsight");

export const RecordTaskSchema = z
  .object({
    id: z.uuid(),
    record_id: z.uuid(),
    recordset_id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    due_at: isoDate.nullable(),
    is_overdue: z.boolean().openapi({ description: "Open and past its due time" }),
    status: RecordTaskStatusSchema,
    priority: TrackingPrioritySchema,
    assignee: memberRef,
    created_by: z.uuid().nullable(),
    completed_at: isoDate.nullable(),
    completed_by: z.uuid().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("RecordTask");

const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), page_size: z.number().int() }).openapi(name);

export const InteractionPageSchema = pageOf(InteractionSchema, "RecordInteractionPage");
export const InsightPageSchema = pageOf(InsightSchema, "RecordInsightPage");
export const RecordTaskPageSchema = pageOf(RecordTaskSchema, "RecordTaskPage");

export const DeletedSchema = z.object({ id: z.uuid(), deleted: z.literal(true) }).openapi("TrackingDeleted");

const staleRecord = z.object({ id: z.uuid(), title: z.string().nullable(), last_interaction_at: isoDate.nullable() });

export const DashboardSchema = z
  .object({
    recordset_id: z.uuid(),
    recordset_slug: z.string(),
    generated_at: isoDate,
    records: z.object({
      total: z.number().int().openapi({ description: "Records not deleted (active + archived)" }),
      by_status: z.record(z.string(), z.number().int()),
      without_interaction_30d: z.number().int().openapi({ description: "Active records with no interaction in the last 30 days" }),
      never_contacted: z.number().int().openapi({ description: "Active records with no interaction at all" }),
    }),
    interactions: z.object({
      total: z.number().int(),
      last_7_days: z.number().int(),
      last_30_days: z.number().int(),
      by_type: z.record(z.string(), z.number().int()).openapi({ description: "Last 30 days, per type" }),
      last_interaction_at: isoDate.nullable(),
    }),
    tasks: z.object({
      total: z.number().int(),
      open: z.number().int().openapi({ description: "todo + in_progress" }),
      overdue: z.number().int().openapi({ description: "Open with due_at in the past" }),
      due_next_7_days: z.number().int(),
      completed_last_30_days: z.number().int(),
      by_status: z.record(z.string(), z.number().int()),
    }),
    insights: z.object({
      active: z.number().int(),
      dismissed: z.number().int(),
      actioned: z.number().int(),
      active_by_priority: z.record(z.string(), z.number().int()),
    }),
    stale_records: z.array(staleRecord).openapi({ description: "Up to 10 active records longest without interaction (never first)" }),
  })
  .openapi("TrackingDashboard");

const aiMeta = {
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
  credits: z.number(),
  generated_at: isoDate,
};

export const AnalysisSchema = z
  .object({
    record_id: z.uuid(),
    analysis: z.object({
      summary: z.string(),
      health: z.enum(["good", "fair", "at_risk", "unknown"]),
      sentiment: z.enum(["positive", "neutral", "negative", "unknown"]),
      key_points: z.array(z.string()),
      risks: z.array(z.string()),
      opportunities: z.array(z.string()),
      recommended_actions: z.array(z.string()),
    }),
    ...aiMeta,
  })
  .openapi("RecordAiAnalysis");

export const DraftMessageSchema = z
  .object({
    record_id: z.uuid(),
    channel: z.string(),
    subject: z.string().nullable(),
    body: z.string(),
    ...aiMeta,
  })
  .openapi("RecordDraftMessage");

export const GeneratedInsightsSchema = z
  .object({ record_id: z.uuid(), insights: z.array(InsightSchema), ...aiMeta })
  .openapi("RecordGeneratedInsights");

export const FollowUpSchema = z
  .object({
    record_id: z.uuid(),
    record_title: z.string().nullable(),
    last_interaction_at: isoDate.nullable(),
    open_tasks: z.number().int(),
    overdue_tasks: z.number().int(),
    reason: z.string(),
    suggested_action: z.string(),
    channel: InteractionTypeSchema,
    priority: TrackingPrioritySchema,
  })
  .openapi("RecordFollowUp");

export const FollowUpsSchema = z
  .object({
    recordset_id: z.uuid(),
    candidates_considered: z.number().int(),
    suggestions: z.array(FollowUpSchema),
    ...aiMeta,
  })
  .openapi("RecordFollowUps");

// ---- requests -------------------------------------------------------------------------------

const text = (max: number) => z.string().trim().max(max);
const when = z.iso.datetime({ offset: true }).openapi({ example: "2026-03-31T17:00:00Z" });
/** A date (midnight UTC) or a date-time with offset. */
const dueAt = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .nullable()
  .openapi({ example: "2026-03-31T17:00:00Z" });
const metadata = z
  .record(z.string(), z.unknown())
  .refine((m) => JSON.stringify(m).length <= 10_000, "metadata is too large (10 kB at most)");

export const InteractionCreate = z
  .object({
    type: InteractionTypeSchema,
    direction: InteractionDirectionSchema.nullable().optional(),
    subject: text(500).nullable().optional(),
    summary: text(20_000).nullable().optional(),
    outcome: text(2_000).nullable().optional(),
    duration_minutes: z.number().int().min(0).max(10_000).nullable().optional(),
    occurred_at: when.optional().openapi({ description: "Defaults to now" }),
    member_id: z.uuid().nullable().optional().openapi({ description: "An active member; defaults to the caller" }),
    metadata: metadata.optional(),
  })
  .openapi("RecordInteractionCreate");
export type InteractionCreate = z.infer<typeof InteractionCreate>;

export const InteractionUpdate = z
  .object({
    type: InteractionTypeSchema.optional(),
    direction: InteractionDirectionSchema.nullable().optional(),
    subject: text(500).nullable().optional(),
    summary: text(20_000).nullable().optional(),
    outcome: text(2_000).nullable().optional(),
    duration_minutes: z.number().int().min(0).max(10_000).nullable().optional(),
    occurred_at: when.optional(),
    member_id: z.uuid().nullable().optional(),
    metadata: metadata.optional(),
  })
  .openapi("RecordInteractionUpdate");
export type InteractionUpdate = z.infer<typeof InteractionUpdate>;

export const RecordTaskCreate = z
  .object({
    title: text(500).min(1),
    description: text(10_000).nullable().optional(),
    due_at: dueAt.optional(),
    status: RecordTaskStatusSchema.optional(),
    priority: TrackingPrioritySchema.optional(),
    assignee_id: z.uuid().nullable().optional().openapi({ description: "An active member" }),
  })
  .openapi("RecordTaskCreate");
export type RecordTaskCreate = z.infer<typeof RecordTaskCreate>;

export const RecordTaskUpdate = z
  .object({
    title: text(500).min(1).optional(),
    description: text(10_000).nullable().optional(),
    due_at: dueAt.optional(),
    status: RecordTaskStatusSchema.optional(),
    priority: TrackingPrioritySchema.optional(),
    assignee_id: z.uuid().nullable().optional(),
  })
  .openapi("RecordTaskUpdate");
export type RecordTaskUpdate = z.infer<typeof RecordTaskUpdate>;

export const InsightActionBody = z
  .object({ note: text(2_000).optional().openapi({ description: "What was done" }) })
  .openapi("RecordInsightAction");
export type InsightActionBody = z.infer<typeof InsightActionBody>;

export const AnalysisRequest = z
  .object({ focus: text(1_000).optional().openapi({ description: "What the analysis should concentrate on" }) })
  .openapi("RecordAiAnalysisRequest");
export type AnalysisRequest = z.infer<typeof AnalysisRequest>;

export const DraftMessageRequest = z
  .object({
    channel: z.enum(["email", "sms", "message", "note"]).optional().openapi({ description: "Default email" }),
    purpose: text(1_000).min(1).optional().openapi({ description: "What the message is for; defaults to a friendly follow-up" }),
    tone: z.enum(["friendly", "formal", "concise", "persuasive"]).optional().openapi({ description: "Default friendly" }),
    recipient_name: text(200).optional(),
    instructions: text(2_000).optional(),
  })
  .openapi("RecordDraftMessageRequest");
export type DraftMessageRequest = z.infer<typeof DraftMessageRequest>;

export const GenerateInsightsRequest = z
  .object({
    max_insights: z.number().int().min(1).max(10).optional().openapi({ description: "Default 5" }),
    focus: text(1_000).optional(),
  })
  .openapi("RecordGenerateInsightsRequest");
export type GenerateInsightsRequest = z.infer<typeof GenerateInsightsRequest>;

export const FollowUpsRequest = z
  .object({
    limit: z.number().int().min(1).max(20).optional().openapi({ description: "At most this many suggestions (default 10)" }),
    days_without_contact: z
      .number()
      .int()
      .min(0)
      .max(365)
      .optional()
      .openapi({ description: "Candidates: active records without interaction for this many days (default 14), or with overdue tasks" }),
  })
  .openapi("RecordFollowUpsRequest");
export type FollowUpsRequest = z.infer<typeof FollowUpsRequest>;

// ---- params and queries ---------------------------------------------------------------------

const p = (name: string) => z.string().openapi({ param: { name, in: "path" } });
export const RecordIdParam = z.object({ record_id: p("record_id") });
export const RecordsetIdParam = z.object({ recordset_id: p("recordset_id").openapi({ description: "Recordset id or slug" }) });
export const InsightIdParam = z.object({ insight_id: p("insight_id") });
export const InteractionIdParam = z.object({ interaction_id: p("interaction_id") });
export const TaskIdParam = z.object({ task_id: p("task_id") });

/** The AI and action endpoints take an optional JSON body (the seed lists none); absent = {}. */
export const optionalJsonBody = <T extends z.ZodType>(schema: T) => ({ required: false, content: { "application/json": { schema } } });

const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });
const page = {
  page: z.coerce.number().int().min(1).default(1).openapi(q("page", "1-based")),
  page_size: z.coerce.number().int().min(1).max(100).default(50).openapi(q("page_size", "At most 100")),
};
const boolParam = (name: string, description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .openapi({ ...q(name, description), type: "boolean" });
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

export const ListInsightsQuery = z.object({
  ...page,
  insight_type: enumList(InsightTypeSchema, "insight_type", "risk, opportunity, follow_up, trend, summary, other (comma-separated)"),
  include_dismissed: boolParam("include_dismissed", "Include dismissed insights (default false)"),
});
export type ListInsightsQuery = z.infer<typeof ListInsightsQuery>;

export const ListInteractionsQuery = z.object({
  ...page,
  interaction_type: enumList(InteractionTypeSchema, "interaction_type", "call, email, meeting, note, … (comma-separated)"),
});
export type ListInteractionsQuery = z.infer<typeof ListInteractionsQuery>;

export const ListRecordTasksQuery = z.object({
  ...page,
  status: enumList(RecordTaskStatusSchema, "status", "todo, in_progress, completed, cancelled (comma-separated)"),
  priority: enumList(TrackingPrioritySchema, "priority", "low, medium, high, urgent (comma-separated)"),
  include_completed: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v !== "false")
    .openapi({ ...q("include_completed", "Include completed and cancelled tasks (default true)"), type: "boolean" }),
});
export type ListRecordTasksQuery = z.infer<typeof ListRecordTasksQuery>;
