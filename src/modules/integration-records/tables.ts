import { sql } from "drizzle-orm";
import { index, jsonb, pgSchema, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, pk, ts } from "../../platform/db/columns";

/**
 * Tenant database, schema `integration_staging`: rows synced from integrations, before (or
 * instead of) becoming records. One generic table for every integration: a recordset with
 * is_integration = true reads the rows whose `source` equals its `staging_table`. The name is
 * only ever a bound parameter, never part of the SQL text, so no table name comes from input.
 */
export const integrationStaging = pgSchema("integration_staging");

export const stagedRows = integrationStaging.table(
  "staged_rows",
  {
    id: pk(),
    /** The staging table name a recordset points at, e.g. "shopify_products". */
    source: text("source").notNull(),
    /** The row's id in the integration (unique per source, so a re-sync upserts). */
    externalId: text("external_id").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    syncedAt: ts("synced_at").notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("staged_rows_source_external_key").on(t.source, t.externalId),
    index("staged_rows_source_synced_idx").on(t.source, t.syncedAt, t.id),
    index("staged_rows_data_idx").using("gin", sql`${t.data} jsonb_path_ops`),
  ],
);
