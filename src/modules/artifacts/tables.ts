import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";

/**
 * Tenant database: artifacts (named, typed content), their immutable numbered versions, and the
 * change-control trail around them (intent → proposal with plan and checks → decision → execution).
 */

export type ArtifactFormat = "json" | "text";

export const artifacts = pgTable(
  "artifacts",
  {
    id: pk(),
    name: text("name").notNull(),
    /** The user's category ("prompt", "config", "report_template", …); filters the list. */
    artifactType: text("artifact_type").notNull(),
    /** How content is read, diffed and validated; fixed at creation. */
    format: text("format").$type<ArtifactFormat>().notNull(),
    description: text("description"),
    /** Versions are numbered 1, 2, 3…; this is the highest. */
    latestVersion: integer("latest_version").notNull(),
    /** The live version (null until something is published). */
    publishedVersion: integer("published_version"),
    publishedAt: ts("published_at"),
    publishedByMemberId: uuid("published_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("artifacts_type_idx").on(t.artifactType, t.createdAt),
    index("artifacts_created_by_idx").on(t.createdByMemberId),
    index("artifacts_name_idx").on(sql`lower(${t.name})`),
  ],
);

export const artifactVersions = pgTable(
  "artifact_versions",
  {
    id: pk(),
    artifactId: uuid("artifact_id")
      .notNull()
      .references(() => artifacts.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The content as stored: JSON text (key order as given) for json artifacts, the text itself otherwise. */
    content: text("content").notNull(),
    /** sha256 of the canonical form (sorted-key pretty JSON, or the text): equal hashes = no change. */
    contentHash: text("content_hash").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    changeMessage: text("change_message"),
    /** Set when this version restores an older one's content (rollback, execution rollback). */
    restoredFromVersion: integer("restored_from_version"),
    /** The proposal execution that made this version, if any. */
    executionId: uuid("execution_id"),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("artifact_versions_artifact_version_key").on(t.artifactId, t.version)],
);

export type IntentAction = "create" | "update" | "publish" | "rollback";

/** What an intent asks for; which fields matter depends on the action. */
export interface IntentParams {
  name?: string;
  artifact_type?: string;
  format?: ArtifactFormat;
  artifact_description?: string | null;
  /** The content as given (validated by the checks, not on intake, so a bad one shows as a failed check). */
  content?: unknown;
  change_message?: string | null;
  /** The latest version the change was written against (update, rollback). */
  base_version?: number | null;
  /** Publish: the version to publish; rollback: the version whose content comes back. */
  version?: number | null;
  /** Also publish the new version (create, update, rollback). */
  publish?: boolean;
}

export const artifactIntents = pgTable(
  "artifact_intents",
  {
    id: pk(),
    action: text("action").$type<IntentAction>().notNull(),
    /** Null for "create" (the artifact does not exist yet). */
    artifactId: uuid("artifact_id").references(() => artifacts.id, { onDelete: "cascade" }),
    description: text("description").notNull(),
    params: jsonb("params").$type<IntentParams>().notNull(),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("artifact_intents_artifact_idx").on(t.artifactId)],
);

export interface PlanStep {
  step: number;
  op: "create_artifact" | "create_version" | "publish_version";
  description: string;
  /** The version the step makes or publishes, as expected when planned. */
  version?: number;
  /** create_version: whose content is copied (rollback). */
  content_from_version?: number;
}

export interface Check {
  name: string;
  passed: boolean;
  message: string;
}

export type ProposalStatus = "pending" | "approved" | "rejected" | "executed";

export const artifactProposals = pgTable(
  "artifact_proposals",
  {
    id: pk(),
    intentId: uuid("intent_id")
      .notNull()
      .references(() => artifactIntents.id, { onDelete: "cascade" }),
    /** Null for a create until it is executed. */
    artifactId: uuid("artifact_id").references(() => artifacts.id, { onDelete: "cascade" }),
    action: text("action").$type<IntentAction>().notNull(),
    title: text("title").notNull(),
    plan: jsonb("plan").$type<PlanStep[]>().notNull(),
    checks: jsonb("checks").$type<Check[]>().notNull(),
    checksPassed: boolean("checks_passed").notNull(),
    /** The artifact's latest version when the proposal was made (staleness is measured against it). */
    baseVersion: integer("base_version"),
    status: text("status").$type<ProposalStatus>().notNull().default("pending"),
    proposedByMemberId: uuid("proposed_by_member_id").references(() => members.id, { onDelete: "set null" }),
    decidedByMemberId: uuid("decided_by_member_id").references(() => members.id, { onDelete: "set null" }),
    decidedAt: ts("decided_at"),
    decisionComment: text("decision_comment"),
    executedAt: ts("executed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("artifact_proposals_status_idx").on(t.status, t.createdAt),
    index("artifact_proposals_artifact_idx").on(t.artifactId),
    uniqueIndex("artifact_proposals_intent_key").on(t.intentId),
  ],
);

/** An artifact's pointers at one moment: what an execution changed, and what its rollback restores. */
export interface ArtifactState {
  latest_version: number | null;
  published_version: number | null;
}

export const artifactExecutions = pgTable(
  "artifact_executions",
  {
    id: pk(),
    proposalId: uuid("proposal_id")
      .notNull()
      .references(() => artifactProposals.id, { onDelete: "cascade" }),
    artifactId: uuid("artifact_id")
      .notNull()
      .references(() => artifacts.id, { onDelete: "cascade" }),
    status: text("status").$type<"applied" | "rolled_back">().notNull().default("applied"),
    before: jsonb("before").$type<ArtifactState>().notNull(),
    after: jsonb("after").$type<ArtifactState>().notNull(),
    /** What each plan step did, in order. */
    results: jsonb("results").$type<{ step: number; op: string; version: number }[]>().notNull(),
    executedByMemberId: uuid("executed_by_member_id").references(() => members.id, { onDelete: "set null" }),
    rolledBackAt: ts("rolled_back_at"),
    rolledBackByMemberId: uuid("rolled_back_by_member_id").references(() => members.id, { onDelete: "set null" }),
    /** The version the rollback made (null if it only moved the published pointer). */
    rollbackVersion: integer("rollback_version"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("artifact_executions_proposal_key").on(t.proposalId), index("artifact_executions_artifact_idx").on(t.artifactId)],
);
