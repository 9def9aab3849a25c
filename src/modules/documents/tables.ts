import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, primaryKey, real, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";

/** What processing jobs report (the seed's PUT …/status). */
export type DocumentStatus = "uploaded" | "processing" | "processed" | "failed";
/** The knowledge index of the current version; `stale` while a newer version waits to be indexed. */
export type IndexStatus = "none" | "queued" | "extracting" | "indexing" | "ready" | "failed" | "stale";
export type LinkEntityType = "channel" | "task" | "record" | "recordset" | "goal" | "member";
export const LINK_ENTITY_TYPES: LinkEntityType[] = ["channel", "task", "record", "recordset", "goal", "member"];

/**
 * Tenant database: documents. A document is metadata plus (optionally) a file with versions in
 * R2; `current_version` names the live one. Who sees it: see documents/access.ts.
 */
export const documents = pgTable(
  "documents",
  {
    id: pk(),
    title: text("title").notNull(),
    description: text("description"),
    category: text("category"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    folderId: uuid("folder_id"),
    /** Metadata-only documents have no file (and no versions). */
    fileName: text("file_name"),
    contentType: text("content_type"),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull().default(0),
    storageKey: text("storage_key"),
    currentVersion: integer("current_version").notNull().default(0),
    status: text("status").$type<DocumentStatus>().notNull().default("uploaded"),
    statusError: text("status_error"),
    indexStatus: text("index_status").$type<IndexStatus>().notNull().default("none"),
    indexError: text("index_error"),
    /** The version whose chunks are in the index (null: none yet). */
    indexedVersion: integer("indexed_version"),
    indexedAt: ts("indexed_at"),
    /** AI employees that may read it through retrieval; null = every employee. */
    agentIds: uuid("agent_ids").array(),
    /** Legacy origin (seed: source_type/source_id) kept for the visibility rule. */
    sourceType: text("source_type"),
    sourceId: uuid("source_id"),
    uploadedByMemberId: uuid("uploaded_by_member_id").references(() => members.id, { onDelete: "set null" }),
    aiSummary: text("ai_summary"),
    aiSummaryAt: ts("ai_summary_at"),
    accessCount: integer("access_count").notNull().default(0),
    lastAccessedAt: ts("last_accessed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("documents_created_idx").on(t.createdAt),
    index("documents_uploader_idx").on(t.uploadedByMemberId),
    index("documents_category_idx").on(t.category),
    index("documents_tags_idx").using("gin", t.tags),
  ],
);

/** Every stored file of a document; restore copies an old row into a new version. */
export const documentVersions = pgTable(
  "document_versions",
  {
    id: pk(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    versionNumber: integer("version_number").notNull(),
    fileName: text("file_name").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    storageKey: text("storage_key").notNull(),
    sha256: text("sha256"),
    changeNote: text("change_note"),
    restoredFromVersion: integer("restored_from_version"),
    uploadedByMemberId: uuid("uploaded_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("document_versions_key").on(t.documentId, t.versionNumber)],
);

/** A document attached to something (channel, task, record, …); `is_primary` = where it was uploaded. */
export const documentLinks = pgTable(
  "document_links",
  {
    id: pk(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    entityType: text("entity_type").$type<LinkEntityType>().notNull(),
    entityId: uuid("entity_id").notNull(),
    isPrimary: boolean("is_primary").notNull().default(false),
    note: text("note"),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("document_links_key").on(t.documentId, t.entityType, t.entityId),
    index("document_links_entity_idx").on(t.entityType, t.entityId),
  ],
);

/** Relationships kept after review (often from AI suggestions); targets may be other documents. */
export const documentRelationships = pgTable(
  "document_relationships",
  {
    id: pk(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    targetType: text("target_type").notNull(),
    targetId: uuid("target_id").notNull(),
    relationshipType: text("relationship_type").notNull().default("related"),
    confidence: real("confidence"),
    reason: text("reason"),
    source: text("source").$type<"manual" | "ai">().notNull().default("manual"),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("document_relationships_key").on(t.documentId, t.targetType, t.targetId, t.relationshipType)],
);

/** Share links. Only a SHA-256 of the token is stored; the token is in the URL handed out once. */
export const documentShares = pgTable(
  "document_shares",
  {
    id: pk(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    shareType: text("share_type").$type<"public" | "internal">().notNull(),
    expiresAt: ts("expires_at"),
    revokedAt: ts("revoked_at"),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("document_shares_token_key").on(t.tokenHash), index("document_shares_document_idx").on(t.documentId)],
);

export const documentStars = pgTable(
  "document_stars",
  {
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.memberId] }), index("document_stars_member_idx").on(t.memberId)],
);
