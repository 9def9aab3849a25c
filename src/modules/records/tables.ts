import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";
import { recordsets } from "../recordsets/tables";

export type RecordStatus = "active" | "archived" | "deleted";

/**
 * Tenant database: records of recordsets. `field_values` holds the typed values (validated
 * against the recordset's fields); `title` and `search_text` are promoted from them on every
 * write (and by resync-promoted), as are the geo columns in map mode: a point (lng/lat) or the
 * bounding box of a GeoJSON geometry, so bbox and spatial filters prefilter in SQL.
 * Every write bumps `version` and appends a row to record_versions.
 */
export const records = pgTable(
  "records",
  {
    id: pk(),
    recordsetId: uuid("recordset_id")
      .notNull()
      .references(() => recordsets.id, { onDelete: "cascade" }),
    fieldValues: jsonb("field_values").$type<Record<string, unknown>>().notNull().default({}),
    title: text("title"),
    searchText: text("search_text"),
    status: text("status").$type<RecordStatus>().notNull().default("active"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    version: integer("version").notNull().default(1),
    /** Tool views (e.g. "map", "pipeline") this record was dismissed from. */
    dismissedFrom: text("dismissed_from").array().notNull().default(sql`'{}'::text[]`),
    /** Imports: the job and source row, unique together, so a redelivered chunk inserts nothing twice. */
    importJobId: uuid("import_job_id"),
    importRow: integer("import_row"),
    geometry: jsonb("geometry").$type<Record<string, unknown>>(),
    lng: doublePrecision("lng"),
    lat: doublePrecision("lat"),
    minLng: doublePrecision("min_lng"),
    minLat: doublePrecision("min_lat"),
    maxLng: doublePrecision("max_lng"),
    maxLat: doublePrecision("max_lat"),
    /** Geocoding: "rooftop" | "city" | "zip" | … as the provider reports it. */
    geoPrecision: text("geo_precision"),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    updatedByMemberId: uuid("updated_by_member_id").references(() => members.id, { onDelete: "set null" }),
    deletedAt: ts("deleted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("records_recordset_created_idx").on(t.recordsetId, t.createdAt),
    index("records_recordset_status_idx").on(t.recordsetId, t.status),
    index("records_field_values_idx").using("gin", sql`${t.fieldValues} jsonb_path_ops`),
    index("records_tags_idx").using("gin", t.tags),
    // The list's `search` is ILIKE '%…%' on search_text: a trigram GIN index answers it without a
    // scan of the recordset (pg_trgm is created by the custom migration records_trgm_extension).
    index("records_search_trgm_idx").using("gin", sql`${t.searchText} gin_trgm_ops`),
    uniqueIndex("records_import_row_key").on(t.importJobId, t.importRow),
    index("records_bbox_idx").on(t.recordsetId, t.minLng, t.maxLng, t.minLat, t.maxLat),
    index("records_point_idx").on(t.recordsetId, t.lng, t.lat),
  ],
);

/** Full history: one row per version (create, update, restore), with the values as they were. */
export const recordVersions = pgTable(
  "record_versions",
  {
    id: pk(),
    recordId: uuid("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    fieldValues: jsonb("field_values").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<RecordStatus>().notNull(),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    changeType: text("change_type").$type<"create" | "update" | "restore" | "delete">().notNull(),
    restoredFromVersion: integer("restored_from_version"),
    changedByMemberId: uuid("changed_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("record_versions_record_version_key").on(t.recordId, t.version)],
);

export const recordComments = pgTable(
  "record_comments",
  {
    id: pk(),
    recordId: uuid("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    memberId: uuid("member_id").references(() => members.id, { onDelete: "set null" }),
    parentId: uuid("parent_id"),
    content: text("content").notNull(),
    editedAt: ts("edited_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("record_comments_record_idx").on(t.recordId, t.createdAt)],
);

export const recordRelationships = pgTable(
  "record_relationships",
  {
    id: pk(),
    sourceRecordId: uuid("source_record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    targetRecordId: uuid("target_record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    relationshipType: text("relationship_type").notNull().default("related"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("record_relationships_key").on(t.sourceRecordId, t.targetRecordId, t.relationshipType),
    index("record_relationships_target_idx").on(t.targetRecordId),
  ],
);

/** Files attached to a record, stored in R2 under records/<record id>/<attachment id>. */
export const recordAttachments = pgTable(
  "record_attachments",
  {
    id: pk(),
    recordId: uuid("record_id")
      .notNull()
      .references(() => records.id, { onDelete: "cascade" }),
    fileName: text("file_name").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    storageKey: text("storage_key").notNull(),
    uploadedByMemberId: uuid("uploaded_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("record_attachments_record_idx").on(t.recordId)],
);
