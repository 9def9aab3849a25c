import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";

/**
 * Tenant database: one approval request per (source, source_id) — a workflow node waiting, an AI
 * employee's risky tool call, an artifact proposal — and its audit trail.
 */
export const approvals = pgTable(
  "approvals",
  {
    id: pk(),
    /** workflow_node | tool_call | artifact_proposal */
    source: text("source").$type<"workflow_node" | "tool_call" | "artifact_proposal">().notNull(),
    sourceId: text("source_id").notNull(),
    title: text("title").notNull(),
    summary: text("summary"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    /** Named deciders win; else roles; else holders of can_decide_approval (both empty). */
    deciderMemberIds: uuid("decider_member_ids").array().notNull().default(sql`'{}'::uuid[]`),
    deciderRoles: text("decider_roles").array().notNull().default(sql`'{}'::text[]`),
    /** pending | approved | rejected | timed_out | cancelled */
    status: text("status").$type<"pending" | "approved" | "rejected" | "timed_out" | "cancelled">().notNull().default("pending"),
    /** The applied outcome: approved | rejected (also set for timed_out); null while pending or cancelled. */
    outcome: text("outcome").$type<"approved" | "rejected">(),
    expiresAt: ts("expires_at"),
    timeoutOutcome: text("timeout_outcome").$type<"approved" | "rejected">().notNull().default("rejected"),
    requestedBy: uuid("requested_by"),
    decidedBy: uuid("decided_by"),
    /** api | link | timeout | system */
    decidedVia: text("decided_via").$type<"api" | "link" | "timeout" | "system">(),
    comment: text("comment"),
    decidedAt: ts("decided_at"),
    /** When deciders were notified (claimed once; the sweep notifies rows a crashed request left). */
    notifiedAt: ts("notified_at"),
    /** When the source's afterDecided hook succeeded; null after a decision = the sweep retries it. */
    handledAt: ts("handled_at"),
    handlerAttempts: integer("handler_attempts").notNull().default(0),
    handlerError: text("handler_error"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("approvals_source_key").on(t.source, t.sourceId),
    index("approvals_status_idx").on(t.status, t.createdAt),
    index("approvals_due_idx").on(t.expiresAt).where(sql`${t.status} = 'pending'`),
    index("approvals_unhandled_idx").on(t.decidedAt).where(sql`${t.handledAt} is null and ${t.decidedAt} is not null`),
  ],
);

export const approvalEvents = pgTable(
  "approval_events",
  {
    id: pk(),
    approvalId: uuid("approval_id")
      .notNull()
      .references(() => approvals.id, { onDelete: "cascade" }),
    /** opened | notified | approved | rejected | timed_out | cancelled */
    kind: text("kind").$type<"opened" | "notified" | "approved" | "rejected" | "timed_out" | "cancelled">().notNull(),
    actorMemberId: uuid("actor_member_id"),
    /** api | link | timeout | system */
    via: text("via"),
    comment: text("comment"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index("approval_events_approval_idx").on(t.approvalId, t.createdAt)],
);
