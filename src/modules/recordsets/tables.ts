import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";
import { teams } from "../teams/tables";
import type { FieldDef } from "./fields";

export type RecordsetMode = "table" | "map";

/**
 * Tenant database: recordsets, the workspace's user-defined tables (deals, properties, leads…).
 * Fields are a typed list on the recordset (see fields.ts); records keep their values as JSON.
 * `slug` is fixed at creation. Soft delete = `deleted_at` set (the trash); the cron purges after 30 days.
 */
export const recordsets = pgTable(
  "recordsets",
  {
    id: pk(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    icon: text("icon"),
    color: text("color"),
    /** Free classification (deals, properties, leads, operators, custom…). */
    type: text("type").notNull().default("custom"),
    mode: text("mode").$type<RecordsetMode>().notNull().default("table"),
    fields: jsonb("fields").$type<FieldDef[]>().notNull().default([]),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    /** Map mode: which fields hold latitude/longitude, an address, or a GeoJSON geometry. */
    gisMapping: jsonb("gis_mapping").$type<Record<string, unknown>>(),
    /** Integration recordsets are read-only views over a staging table (integration-records). */
    isIntegration: boolean("is_integration").notNull().default(false),
    stagingTable: text("staging_table"),
    /** Kept exact by record writes; POST /crud/recordsets/sync-counts recomputes it in bulk. */
    recordCount: integer("record_count").notNull().default(0),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    deletedAt: ts("deleted_at"),
    deletedByMemberId: uuid("deleted_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("recordsets_slug_key").on(t.slug), index("recordsets_deleted_idx").on(t.deletedAt)],
);

/** Saved views of a recordset: filters, sort and visible columns (same syntax as the records list). */
export const recordsetViews = pgTable(
  "recordset_views",
  {
    id: pk(),
    recordsetId: uuid("recordset_id")
      .notNull()
      .references(() => recordsets.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    filters: jsonb("filters").$type<Record<string, unknown>>().notNull().default({}),
    sort: jsonb("sort").$type<unknown[]>().notNull().default([]),
    columns: jsonb("columns").$type<string[]>().notNull().default([]),
    isDefault: boolean("is_default").notNull().default(false),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("recordset_views_recordset_idx").on(t.recordsetId)],
);

/** A grant of a recordset to one member or one team (exactly one of the two). */
export const recordsetAccess = pgTable(
  "recordset_access",
  {
    id: pk(),
    recordsetId: uuid("recordset_id")
      .notNull()
      .references(() => recordsets.id, { onDelete: "cascade" }),
    memberId: uuid("member_id").references(() => members.id, { onDelete: "cascade" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "cascade" }),
    canView: boolean("can_view").notNull().default(true),
    canCreate: boolean("can_create").notNull().default(false),
    canEdit: boolean("can_edit").notNull().default(false),
    canEditOwn: boolean("can_edit_own").notNull().default(false),
    canDelete: boolean("can_delete").notNull().default(false),
    canDeleteOwn: boolean("can_delete_own").notNull().default(false),
    isAdmin: boolean("is_admin").notNull().default(false),
    grantedByMemberId: uuid("granted_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("recordset_access_member_key").on(t.recordsetId, t.memberId),
    uniqueIndex("recordset_access_team_key").on(t.recordsetId, t.teamId),
    index("recordset_access_member_idx").on(t.memberId),
    index("recordset_access_team_idx").on(t.teamId),
    check("recordset_access_one_grantee", sql`(${t.memberId} is null) <> (${t.teamId} is null)`),
  ],
);

/** A sales/deal pipeline over a recordset: its stages are the options of one select field. */
export const recordsetPipelines = pgTable(
  "recordset_pipelines",
  {
    id: pk(),
    recordsetId: uuid("recordset_id")
      .notNull()
      .references(() => recordsets.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    stageField: text("stage_field").notNull(),
    stages: jsonb("stages").$type<{ key: string; name: string; color?: string; probability?: number }[]>().notNull().default([]),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("recordset_pipelines_recordset_key").on(t.recordsetId)],
);
