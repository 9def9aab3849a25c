import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";

export type IntegrationStatus = "connected" | "needs_reauth" | "error";
export type RunStatus = "PENDING" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";

/** Where a sync run stands: the entity being synced and the provider's cursor for its next page. */
export interface SyncCursor {
  /** Index into the integration type's entities. */
  entity: number;
  /** The provider's next-page cursor (Shopify page_info, Meta paging.cursors.after, Slack next_cursor); null = first page. */
  page: string | null;
}

/**
 * Tenant database: one connection per integration type (reconnecting updates it). OAuth tokens
 * are AES-GCM ciphertexts (src/platform/crypto.ts, as tenant connection strings) and never leave
 * the service layer.
 */
export const integrations = pgTable(
  "integrations",
  {
    id: pk(),
    /** Catalogue key: slack, google_drive, google_ads, meta_ads, shopify, hubspot, jira. */
    type: text("type").notNull(),
    name: text("name").notNull(),
    status: text("status").$type<IntegrationStatus>().notNull().default("connected"),
    isActive: boolean("is_active").notNull().default(true),
    authType: text("auth_type").$type<"oauth" | "api_key">().notNull(),
    /** The provider's account: Slack team, Shopify shop, Meta ad account, … */
    accountId: text("account_id"),
    accountName: text("account_name"),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    accessTokenEncrypted: text("access_token_encrypted"),
    refreshTokenEncrypted: text("refresh_token_encrypted"),
    tokenExpiresAt: ts("token_expires_at"),
    scopes: text("scopes"),
    lastSyncAt: ts("last_sync_at"),
    lastSyncStatus: text("last_sync_status"),
    lastError: text("last_error"),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("integrations_type_key").on(t.type)],
);

/** Sync runs (manual syncs); the cursor lets a run killed mid-way resume where it stopped. */
export const integrationRuns = pgTable(
  "integration_runs",
  {
    id: pk(),
    integrationId: uuid("integration_id")
      .notNull()
      .references(() => integrations.id, { onDelete: "cascade" }),
    status: text("status").$type<RunStatus>().notNull().default("PENDING"),
    progress: integer("progress").notNull().default(0),
    currentStep: text("current_step"),
    cursor: jsonb("cursor").$type<SyncCursor>().notNull().default({ entity: 0, page: null }),
    recordsSynced: integer("records_synced").notNull().default(0),
    pagesSynced: integer("pages_synced").notNull().default(0),
    /** The token of the one queue message that may work on the run; a message carrying another is a no-op. */
    claimToken: uuid("claim_token"),
    /** The consumer working on the run holds it until then (renewed every page); null or past = free. */
    leaseUntil: ts("lease_until"),
    errorMessage: text("error_message"),
    triggeredByMemberId: uuid("triggered_by_member_id").references(() => members.id, { onDelete: "set null" }),
    startedAt: ts("started_at"),
    completedAt: ts("completed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("integration_runs_integration_idx").on(t.integrationId, t.createdAt),
    // One open run per integration: a second concurrent trigger fails here (409).
    uniqueIndex("integration_runs_open_key").on(t.integrationId).where(sql`${t.status} in ('PENDING', 'RUNNING')`),
  ],
);

export const integrationRunLogs = pgTable(
  "integration_run_logs",
  {
    id: pk(),
    runId: uuid("run_id")
      .notNull()
      .references(() => integrationRuns.id, { onDelete: "cascade" }),
    level: text("level").$type<"info" | "warning" | "error">().notNull().default("info"),
    message: text("message").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("integration_run_logs_run_idx").on(t.runId, t.createdAt, t.id)],
);
