import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, numeric, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";
import type { WorkflowDefinition } from "./definition";

/**
 * Tenant database: workflows, their immutable versions, runs and one row per node of a run.
 * Postgres is the record of every run; the Cloudflare Workflow instance only drives it.
 */
export const workflows = pgTable(
  "workflows",
  {
    id: pk(),
    name: text("name").notNull(),
    description: text("description"),
    /** The version new runs use (the latest save). */
    currentVersion: integer("current_version").notNull().default(1),
    /** Who runs triggered by webhooks, schedules and events act as: the last to change the definition. */
    ownerMemberId: uuid("owner_member_id").references(() => members.id, { onDelete: "set null" }),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    /** Inbound webhook trigger: the secret in the trigger URL, AES-GCM encrypted (it also signs). */
    webhookSecretEncrypted: text("webhook_secret_encrypted"),
    /** Schedule triggers: the next minute due (null = none), so the cron claims each slot once. */
    nextScheduledAt: ts("next_scheduled_at"),
    isActive: boolean("is_active").notNull().default(true),
    /** Soft delete: runs in flight finish on their recorded version. */
    deletedAt: ts("deleted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("workflows_next_scheduled_idx").on(t.nextScheduledAt).where(sql`${t.deletedAt} IS NULL`)],
);

export const workflowVersions = pgTable(
  "workflow_versions",
  {
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    definition: jsonb("definition").$type<WorkflowDefinition>().notNull(),
    /** The shape it was saved in (graph, chain or atrium), for surfaces that give it back. */
    source: jsonb("source").$type<{ format: string; body?: unknown }>(),
    message: text("message"),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.version] })],
);

export const RUN_STATUSES = ["queued", "running", "waiting", "completed", "failed", "cancelled"] as const;
export type WorkflowRunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_RUN_STATUSES: readonly WorkflowRunStatus[] = ["completed", "failed", "cancelled"];

export const workflowRuns = pgTable(
  "workflow_runs",
  {
    id: pk(),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    status: text("status").$type<WorkflowRunStatus>().notNull().default("queued"),
    /** manual | webhook | schedule | event | rerun | sub_workflow, with its details. */
    trigger: jsonb("trigger").$type<{ type: string } & Record<string, unknown>>().notNull(),
    input: jsonb("input").$type<Record<string, unknown>>().notNull(),
    output: jsonb("output"),
    /** Why it failed: the node and its reason, written before the instance errors. */
    error: jsonb("error").$type<{ node?: string; message: string; code?: string }>(),
    /** Whose rights the nodes use (module tools, employees, sub-workflows). */
    runAsMemberId: uuid("run_as_member_id").references(() => members.id, { onDelete: "set null" }),
    startedByMemberId: uuid("started_by_member_id").references(() => members.id, { onDelete: "set null" }),
    /** The run this one re-runs from its failed node (its finished nodes are reused). */
    rerunOf: uuid("rerun_of"),
    parentRunId: uuid("parent_run_id"),
    /** The executor's instance (a Cloudflare Workflow instance id). */
    instanceId: text("instance_id"),
    callbackUrl: text("callback_url"),
    callbackSecretEncrypted: text("callback_secret_encrypted"),
    callbackStatus: text("callback_status"),
    cancelRequestedAt: ts("cancel_requested_at"),
    tokens: integer("tokens").notNull().default(0),
    credits: numeric("credits", { precision: 14, scale: 4, mode: "number" }).notNull().default(0),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("workflow_runs_workflow_idx").on(t.workflowId, t.createdAt),
    index("workflow_runs_status_idx").on(t.status, t.updatedAt),
    index("workflow_runs_created_idx").on(t.createdAt),
  ],
);

export const NODE_STATUSES = ["running", "waiting", "completed", "failed", "skipped", "cancelled"] as const;
export type WorkflowNodeStatus = (typeof NODE_STATUSES)[number];

export const workflowNodeRuns = pgTable(
  "workflow_node_runs",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => workflowRuns.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    component: text("component").notNull(),
    status: text("status").$type<WorkflowNodeStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    input: jsonb("input"),
    output: jsonb("output"),
    /** The branch taken (condition: true/false; approval: approved/rejected). */
    port: text("port"),
    error: text("error"),
    tokens: integer("tokens").notNull().default(0),
    credits: numeric("credits", { precision: 14, scale: 4, mode: "number" }).notNull().default(0),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
    /** Copied from the run this one re-runs (not executed again). */
    reused: integer("reused").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId] })],
);

/** Inbound webhook deliveries already turned into runs (a sender's retry starts nothing twice). */
export const workflowTriggerReceipts = pgTable(
  "workflow_trigger_receipts",
  {
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    runId: uuid("run_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("workflow_trigger_receipts_key_idx").on(t.workflowId, t.key)],
);
