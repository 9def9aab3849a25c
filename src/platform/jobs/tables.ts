import { index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts, updatedAt } from "../db/columns";

export const JOB_STATUSES = ["QUEUED", "RUNNING", "COMPLETED", "FAILED"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * Control-database record of long-running work (provisioning, migrations, imports, …). Live
 * progress goes through the JobProgress Durable Object; this row is the durable truth.
 * Secrets (e.g. signup tokens) are never stored here, only in the job's event stream.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: uuid("id").primaryKey(),
    kind: text("kind").notNull(),
    status: text("status").$type<JobStatus>().notNull().default("QUEUED"),
    progress: integer("progress").notNull().default(0),
    currentStep: text("current_step"),
    message: text("message"),
    errorMessage: text("error_message"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    userId: uuid("user_id"),
    workspaceId: uuid("workspace_id"),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("jobs_status_idx").on(t.status, t.updatedAt), index("jobs_workspace_idx").on(t.workspaceId)],
);
