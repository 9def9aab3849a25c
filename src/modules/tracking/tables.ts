import { index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";
import { records } from "../records/tables";
import { recordsets } from "../recordsets/tables";

export const INTERACTION_TYPES = ["call", "email", "meeting", "note", "message", "sms", "visit", "other"] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];
export const INTERACTION_DIRECTIONS = ["inbound", "outbound", "internal"] as const;
export type InteractionDirection = (typeof INTERACTION_DIRECTIONS)[number];

export const INSIGHT_TYPES = ["risk", "opportunity", "follow_up", "trend", "summary", "other"] as const;
export type InsightType = (typeof INSIGHT_TYPES)[number];
export type InsightStatus = "active" | "dismissed" | "actioned";
export type InsightSource = "ai" | "manual";

export const TRACKING_PRIORITIES = ["low", "medium", "high", "urgent"] as const;
export type TrackingPriority = (typeof TRACKING_PRIORITIES)[number];
export const RECORD_TASK_STATUSES = ["todo", "in_progress", "completed", "cancelled"] as const;
export type RecordTaskStatus = (typeof RECORD_TASK_STATUSES)[number];

/**
 * Tenant database: record tracking (CRM). Every row belongs to one record and carries the
 * record's recordset id too, so the per-recordset dashboard counts without joining records.
 */
export const recordInteractions = pgTable(
  "record_interactions",
  {
    id: pk(),
    recordId: uuid("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    recordsetId: uuid("recordset_id")
      .notNull()
      .references(() => recordsets.id, { onDelete: "cascade" }),
    type: text("type").$type<InteractionType>().notNull(),
    direction: text("direction").$type<InteractionDirection>(),
    subject: text("subject"),
    summary: text("summary"),
    outcome: text("outcome"),
    durationMinutes: integer("duration_minutes"),
    occurredAt: ts("occurred_at").notNull().defaultNow(),
    memberId: uuid("member_id").references(() => members.id, { onDelete: "set null" }),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("record_interactions_record_idx").on(t.recordId, t.occurredAt),
    index("record_interactions_recordset_idx").on(t.recordsetId, t.occurredAt),
  ],
);

export const recordInsights = pgTable(
  "record_insights",
  {
    id: pk(),
    recordId: uuid("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    recordsetId: uuid("recordset_id")
      .notNull()
      .references(() => recordsets.id, { onDelete: "cascade" }),
    type: text("type").$type<InsightType>().notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    priority: text("priority").$type<TrackingPriority>().notNull().default("medium"),
    status: text("status").$type<InsightStatus>().notNull().default("active"),
    source: text("source").$type<InsightSource>().notNull().default("ai"),
    /** The model that wrote an AI insight. */
    model: text("model"),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    actionedAt: ts("actioned_at"),
    actionedByMemberId: uuid("actioned_by_member_id").references(() => members.id, { onDelete: "set null" }),
    actionNote: text("action_note"),
    dismissedAt: ts("dismissed_at"),
    dismissedByMemberId: uuid("dismissed_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("record_insights_record_idx").on(t.recordId, t.createdAt),
    index("record_insights_recordset_idx").on(t.recordsetId, t.status),
  ],
);

export const recordTasks = pgTable(
  "record_tasks",
  {
    id: pk(),
    recordId: uuid("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    recordsetId: uuid("recordset_id")
      .notNull()
      .references(() => recordsets.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    dueAt: ts("due_at"),
    status: text("status").$type<RecordTaskStatus>().notNull().default("todo"),
    priority: text("priority").$type<TrackingPriority>().notNull().default("medium"),
    assigneeMemberId: uuid("assignee_member_id").references(() => members.id, { onDelete: "set null" }),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    completedAt: ts("completed_at"),
    completedByMemberId: uuid("completed_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("record_tasks_record_idx").on(t.recordId, t.createdAt),
    index("record_tasks_recordset_idx").on(t.recordsetId, t.status, t.dueAt),
    index("record_tasks_assignee_idx").on(t.assigneeMemberId),
  ],
);
