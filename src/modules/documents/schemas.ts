import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";
import { LINK_ENTITY_TYPES } from "./tables";

const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });

export const DocumentIdParam = z.object({
  document_id: z.string().openapi({ param: { name: "document_id", in: "path" }, format: "uuid" }),
});

export const LinkEntityTypeSchema = z.enum(LINK_ENTITY_TYPES as [string, ...string[]]).openapi("DocumentLinkEntityType");
export const DocumentStatusSchema = z.enum(["uploaded", "processing", "processed", "failed"]).openapi("DocumentStatus");
export const IndexStatusSchema = z
  .enum(["none", "queued", "extracting", "indexing", "ready", "failed", "stale"])
  .openapi("DocumentIndexStatus");

export const DocumentSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    folder_id: z.string().nullable(),
    file_name: z.string().nullable(),
    content_type: z.string().nullable(),
    size_bytes: z.number().int(),
    current_version: z.number().int().openapi({ description: "0 for a metadata-only document" }),
    status: DocumentStatusSchema,
    status_error: z.string().nullable(),
    index_status: IndexStatusSchema,
    index_error: z.string().nullable(),
    indexed_version: z.number().int().nullable(),
    indexed_at: isoDate.nullable(),
    agent_ids: z.array(z.string()).nullable().openapi({ description: "AI employees that may read it; null = every employee" }),
    source_type: z.string().nullable(),
    source_id: z.string().nullable(),
    uploaded_by_member_id: z.string().nullable(),
    uploaded_by_name: z.string().nullable(),
    is_starred: z.boolean(),
    access_count: z.number().int(),
    last_accessed_at: isoDate.nullable(),
    ai_summary: z.string().nullable(),
    url: z.string().nullable().openapi({ description: "A fresh signed download URL of the current file (15 minutes)" }),
    url_expires_at: isoDate.nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Document");

export const DocumentListSchema = z
  .object({ items: z.array(DocumentSchema), total: z.number().int(), skip: z.number().int(), limit: z.number().int() })
  .openapi("DocumentList");

const boolParam = (n: string, description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ ...q(n, description), type: "boolean" });

export const DOCUMENT_SORTS = ["created_at", "updated_at", "title", "size_bytes", "last_accessed_at", "access_count"] as const;

export const ListDocumentsQuery = z.object({
  search: z.string().trim().max(200).optional().openapi(q("search", "Case-insensitive match in title, description and file name")),
  category: z.string().trim().max(100).optional().openapi(q("category", "Exact category")),
  starred: boolParam("starred", "true: only documents you starred"),
  status: z
    .enum(["uploaded", "processing", "processed", "failed", "none", "queued", "extracting", "indexing", "ready", "stale"])
    .optional()
    .openapi(q("status", "A processing status (uploaded, processing, processed, failed) or an index status (queued, …, ready, stale)")),
  folder_id: z.uuid().optional().openapi(q("folder_id", "Documents in this folder")),
  tags: z
    .string()
    .max(500)
    .optional()
    .transform((s) =>
      s
        ?.split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    )
    .openapi({ ...q("tags", "Comma-separated; documents having all of them"), type: "string" }),
  sort_by: z
    .enum(DOCUMENT_SORTS)
    .default("created_at")
    .openapi(q("sort_by", DOCUMENT_SORTS.join(", "))),
  sort_order: z.enum(["asc", "desc"]).default("desc").openapi(q("sort_order", "asc or desc")),
  skip: z.coerce.number().int().min(0).max(100_000).default(0).openapi(q("skip", "Items to skip")),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi(q("limit", "At most 100")),
});
export type ListDocumentsQuery = z.infer<typeof ListDocumentsQuery>;

const tagsSchema = z.array(z.string().trim().min(1).max(50)).max(30);

export const DocumentCreate = z
  .object({
    title: z.string().trim().min(1).max(300),
    description: z.string().max(10_000).nullish(),
    category: z.string().trim().min(1).max(100).nullish(),
    tags: tagsSchema.default([]),
    folder_id: z.uuid().nullish(),
    agent_ids: z.array(z.uuid()).max(100).nullish(),
    entity_type: LinkEntityTypeSchema.optional().openapi({ description: "Link it (primary link) to this entity" }),
    entity_id: z.uuid().optional(),
  })
  .refine((b) => (b.entity_type === undefined) === (b.entity_id === undefined), {
    message: "entity_type and entity_id go together",
    path: ["entity_id"],
  })
  .openapi("DocumentCreate");
export type DocumentCreate = z.infer<typeof DocumentCreate>;

/** Text fields of the upload form (the file part is streamed, not validated by zod). */
export const UploadFields = z.object({
  title: z.string().trim().min(1).max(300).optional(),
  description: z.string().max(10_000).optional(),
  category: z.string().trim().min(1).max(100).optional(),
  tags: z
    .string()
    .max(2000)
    .optional()
    .transform((s) =>
      s
        ?.split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    )
    .pipe(tagsSchema.optional()),
  folder_id: z.uuid().optional(),
  entity_type: LinkEntityTypeSchema.optional(),
  entity_id: z.uuid().optional(),
});
export type UploadFields = z.infer<typeof UploadFields>;

export const DocumentUploadFormSchema: {
  type: "object";
  required: string[];
  properties: Record<string, { type: "string"; format?: string; description: string; enum?: string[] }>;
} = {
  type: "object",
  required: ["file"],
  properties: {
    file: { type: "string", format: "binary", description: "The file, up to 50 MB" },
    title: { type: "string", description: "Defaults to the file name" },
    description: { type: "string", description: "Optional" },
    category: { type: "string", description: "Optional" },
    tags: { type: "string", description: "Comma-separated" },
    folder_id: { type: "string", format: "uuid", description: "Optional" },
    entity_type: { type: "string", enum: [...LINK_ENTITY_TYPES], description: "Link it (primary link) to this entity" },
    entity_id: { type: "string", format: "uuid", description: "With entity_type" },
  },
};

export const FileQuery = z.object({
  download: boolParam("download", "true: as an attachment (Content-Disposition) instead of inline"),
});

export const SignedUrlSchema = z
  .object({ url: z.string(), expires_at: isoDate, file_name: z.string(), content_type: z.string() })
  .openapi("DocumentSignedUrl");

// ---- metadata, delete, status ----------------------------------------------------------------

const tagList = z.array(z.string().trim().min(1).max(50)).max(30);

export const DocumentUpdate = z
  .object({
    title: z.string().trim().min(1).max(300).optional(),
    description: z.string().max(10_000).nullable().optional(),
    category: z.string().trim().min(1).max(100).nullable().optional(),
    tags: tagList.optional(),
    folder_id: z.uuid().nullable().optional(),
    agent_ids: z
      .array(z.uuid())
      .max(100)
      .nullable()
      .optional()
      .openapi({ description: "AI employees that may read it; null = every employee" }),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change" })
  .openapi("DocumentUpdate");
export type DocumentUpdate = z.infer<typeof DocumentUpdate>;

export const BulkDeleteDocuments = z.object({ document_ids: z.array(z.string().max(100)).min(1).max(200) }).openapi("DocumentBulkDelete");
export type BulkDeleteDocuments = z.infer<typeof BulkDeleteDocuments>;

export const BulkDeleteResultSchema = z
  .object({
    deleted_count: z.number().int(),
    failed_count: z.number().int(),
    results: z.array(
      z.object({
        document_id: z.string(),
        status: z.enum(["deleted", "not_found", "forbidden"]),
        detail: z.string().nullable(),
      }),
    ),
  })
  .openapi("DocumentBulkDeleteResult");

export const DocumentStatusQuery = z.object({
  status: DocumentStatusSchema.openapi(q("status", "uploaded, processing, processed or failed")),
  error: z.string().trim().min(1).max(2000).optional().openapi(q("error", "What went wrong; with status=failed only")),
});
export type DocumentStatusQuery = z.infer<typeof DocumentStatusQuery>;

export const DocumentStatusResultSchema = z
  .object({ id: z.string(), status: DocumentStatusSchema, status_error: z.string().nullable(), updated_at: isoDate })
  .openapi("DocumentStatusResult");

// ---- versions --------------------------------------------------------------------------------

export const VersionParam = z.object({
  document_id: z.string().openapi({ param: { name: "document_id", in: "path" }, format: "uuid" }),
  version_number: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .openapi({ param: { name: "version_number", in: "path" }, type: "integer" }),
});

export const DocumentVersionSchema = z
  .object({
    id: z.string(),
    document_id: z.string(),
    version_number: z.number().int(),
    is_current: z.boolean(),
    file_name: z.string(),
    content_type: z.string(),
    size_bytes: z.number().int(),
    sha256: z.string().nullable(),
    change_note: z.string().nullable(),
    restored_from_version: z.number().int().nullable(),
    uploaded_by_member_id: z.string().nullable(),
    uploaded_by_name: z.string().nullable(),
    url: z.string().openapi({ description: "A signed download URL of this version's file (15 minutes)" }),
    url_expires_at: isoDate,
    created_at: isoDate,
  })
  .openapi("DocumentVersion");

export const DocumentVersionListSchema = z
  .object({ document_id: z.string(), current_version: z.number().int(), versions: z.array(DocumentVersionSchema) })
  .openapi("DocumentVersionList");

export const DocumentWithVersionSchema = z
  .object({ document: DocumentSchema, version: DocumentVersionSchema })
  .openapi("DocumentWithVersion");

export const VersionUploadFormSchema = {
  type: "object" as const,
  required: ["file"],
  properties: {
    file: { type: "string" as const, format: "binary", description: "The new file, up to 50 MB" },
    change_note: { type: "string" as const, description: "Optional, up to 1000 characters" },
  },
};

// ---- links, relationships, linkable entities --------------------------------------------------

export const LINK_TYPES = ["channel", "task", "record", "recordset", "goal", "member"] as const;
export const ENTITY_KINDS = [...LINK_TYPES, "document"] as const;
const LinkTypeSchema = z.enum(LINK_TYPES);
const EntityKindSchema = z.enum(ENTITY_KINDS).openapi("DocumentEntityType");

export const LinkIdParam = DocumentIdParam.extend({
  link_id: z.string().openapi({ param: { name: "link_id", in: "path" }, format: "uuid" }),
});
export const RelationshipIdParam = DocumentIdParam.extend({
  relationship_id: z.string().openapi({ param: { name: "relationship_id", in: "path" }, format: "uuid" }),
});
export const EntityParam = z.object({
  entity_type: LinkTypeSchema.openapi({ param: { name: "entity_type", in: "path" } }),
  entity_id: z.string().openapi({ param: { name: "entity_id", in: "path" }, format: "uuid" }),
});

export const LinkCreate = z
  .object({
    entity_type: LinkTypeSchema,
    entity_id: z.uuid(),
    note: z.string().trim().max(1000).nullish(),
  })
  .strict()
  .openapi("DocumentLinkCreate");
export type LinkCreate = z.infer<typeof LinkCreate>;

export const DocumentLinkSchema = z
  .object({
    id: z.string(),
    document_id: z.string(),
    entity_type: LinkTypeSchema,
    entity_id: z.string(),
    is_primary: z.boolean().openapi({ description: "Where the document was uploaded; cannot be deleted" }),
    note: z.string().nullable(),
    entity_name: z.string().nullable().openapi({ description: "null when you cannot see the entity" }),
    entity_url: z.string().nullable().openapi({ description: "The API path of the entity; null when you cannot see it" }),
    accessible: z.boolean(),
    created_by_member_id: z.string().nullable(),
    created_at: isoDate,
  })
  .openapi("DocumentLink");

export const RelationshipCreate = z
  .object({
    target_type: EntityKindSchema,
    target_id: z.uuid(),
    relationship_type: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9_-]{0,49}$/, "lower-case letters, digits, _ and -, up to 50")
      .default("related"),
    confidence: z.number().min(0).max(1).nullish(),
    reason: z.string().trim().max(2000).nullish(),
    source: z.enum(["manual", "ai"]).default("manual"),
  })
  .strict()
  .openapi("DocumentRelationshipCreate");

export const RelationshipsCreate = z
  .object({ relationships: z.array(RelationshipCreate).min(1).max(50) })
  .strict()
  .openapi("DocumentRelationshipsCreate");
export type RelationshipsCreate = z.infer<typeof RelationshipsCreate>;

export const DocumentRelationshipSchema = z
  .object({
    id: z.string(),
    document_id: z.string(),
    target_type: EntityKindSchema,
    target_id: z.string(),
    relationship_type: z.string(),
    confidence: z.number().nullable(),
    reason: z.string().nullable(),
    source: z.enum(["manual", "ai"]),
    target_name: z.string().nullable().openapi({ description: "null when you cannot see the target" }),
    target_url: z.string().nullable(),
    accessible: z.boolean(),
    created_by_member_id: z.string().nullable(),
    created_at: isoDate,
  })
  .openapi("DocumentRelationship");

export const SavedRelationshipsSchema = z
  .object({ relationships: z.array(DocumentRelationshipSchema), count: z.number().int() })
  .openapi("DocumentRelationshipsSaved");

export const LinkableQuery = z.object({
  query: z.string().trim().min(1).max(200).openapi(q("query", "Part of the name (case-insensitive)")),
  entity_type: EntityKindSchema.optional().openapi(q("entity_type", "Only this type")),
  exclude_document_id: z
    .string()
    .max(100)
    .optional()
    .openapi(q("exclude_document_id", "Leave out what this document is already linked to, and itself")),
  limit: z.coerce.number().int().min(1).max(50).default(10).openapi(q("limit", "Per type, at most 50")),
});
export type LinkableQuery = z.infer<typeof LinkableQuery>;

const EntityRefSchema = z.object({ id: z.string(), name: z.string(), url: z.string(), type: EntityKindSchema }).openapi("LinkableEntity");

export const LinkableResultSchema = z
  .object({
    query: z.string(),
    results: z
      .record(z.string(), z.array(EntityRefSchema))
      .openapi({ description: "By type: channel, task, record, recordset, goal, member, document" }),
    total: z.number().int(),
  })
  .openapi("LinkableEntities");

export const EntityDocumentsQuery = z.object({
  skip: z.coerce.number().int().min(0).max(100_000).default(0).openapi(q("skip", "Items to skip")),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi(q("limit", "At most 100")),
});

export const EntityDocumentsSchema = z
  .object({
    entity_type: LinkTypeSchema,
    entity_id: z.string(),
    entity_name: z.string(),
    items: z.array(DocumentSchema.extend({ link: DocumentLinkSchema.pick({ id: true, is_primary: true, note: true, created_at: true }) })),
    total: z.number().int(),
    skip: z.number().int(),
    limit: z.number().int(),
  })
  .openapi("EntityDocuments");

// ---- sharing ---------------------------------------------------------------------------------

export const ShareCreate = z
  .object({
    share_type: z.enum(["public", "internal"]).default("public").openapi({
      description: "public: a token link that works without signing in; internal: a link for people who can see the document",
    }),
    expires_in_hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .nullish()
      .openapi({ description: "public only; none = until revoked" }),
  })
  .strict()
  .openapi("DocumentShareCreate");
export type ShareCreate = z.infer<typeof ShareCreate>;

export const ShareSchema = z
  .object({
    id: z.string().nullable().openapi({ description: "null for internal links (nothing is stored)" }),
    document_id: z.string(),
    share_type: z.enum(["public", "internal"]),
    url: z.string().openapi({ description: "public: holds the token, shown only now" }),
    expires_at: isoDate.nullable(),
    created_at: isoDate,
  })
  .openapi("DocumentShare");

export const PublicShareParam = z.object({
  workspace_id: z
    .string()
    .max(100)
    .openapi({ param: { name: "workspace_id", in: "path" } }),
  share_token: z
    .string()
    .max(200)
    .openapi({ param: { name: "share_token", in: "path" } }),
});

export const PublicShareQuery = z.object({
  metadata: boolParam("metadata", "true: JSON metadata instead of a redirect to the file"),
  download: boolParam("download", "true: the file as an attachment"),
});

export const PublicDocumentSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    file_name: z.string().nullable(),
    content_type: z.string().nullable(),
    size_bytes: z.number().int(),
    version: z.number().int(),
    updated_at: isoDate,
    share_expires_at: isoDate.nullable(),
    download_url: z.string().openapi({ description: "Signed, valid 5 minutes" }),
  })
  .openapi("PublicDocument");

export const UploadPathParam = z.object({
  path: z
    .string()
    .min(1)
    .max(1024)
    .openapi({ param: { name: "path", in: "path" }, description: "The object key, URL-encoded (slashes as %2F)" }),
});
export const UploadPathQuery = z.object({
  exp: z.coerce.number().int().openapi(q("exp", "Expiry (Unix seconds), signed")),
  sig: z.string().min(1).max(200).openapi(q("sig", "HMAC signature of path and exp")),
  download: z.enum(["1", "true", "0", "false"]).optional().openapi(q("download", "1/true: as an attachment")),
});
export type UploadPathQuery = z.infer<typeof UploadPathQuery>;

// ---- stars, categories, stats, bulk upload ----------------------------------------------------

export const StarResultSchema = z.object({ document_id: z.string(), starred: z.boolean() }).openapi("DocumentStar");

export const CategoriesSchema = z
  .object({
    categories: z.array(z.string()),
    counts: z.array(z.object({ category: z.string(), count: z.number().int() })),
  })
  .openapi("DocumentCategories");

const counts = z.record(z.string(), z.number().int());
export const DocumentStatsSchema = z
  .object({
    total_documents: z.number().int(),
    total_size_bytes: z.number().int(),
    starred_by_me: z.number().int(),
    recent_count: z.number().int().openapi({ description: "Created in the last recent_days days" }),
    recent_days: z.number().int(),
    by_status: counts,
    by_category: counts.openapi({ description: "'none' counts documents without a category" }),
    by_content_type: counts,
    by_index_status: counts,
    recent: z.array(z.object({ id: z.string(), title: z.string(), created_at: isoDate })),
  })
  .openapi("DocumentStats");

export const BulkUploadFormSchema = {
  type: "object" as const,
  required: ["file"],
  properties: {
    file: {
      type: "array" as const,
      items: { type: "string" as const, format: "binary" },
      description: "Files (50 MB each) and .zip archives (100 MB; unpacked: 500 files, 200 MB); 50 parts, 200 MB in all",
    },
    description: { type: "string" as const, description: "For every document" },
    category: { type: "string" as const, description: "For every document" },
    tags: { type: "string" as const, description: "Comma-separated, for every document" },
    folder_id: { type: "string" as const, format: "uuid", description: "For every document" },
    entity_type: { type: "string" as const, enum: [...LINK_TYPES], description: "Primary link of every document" },
    entity_id: { type: "string" as const, format: "uuid", description: "With entity_type" },
  },
};

export const BulkUploadResultSchema = z
  .object({
    total: z.number().int(),
    created: z.number().int(),
    failed: z.number().int(),
    results: z.array(
      z.object({
        file_name: z.string(),
        archive: z.string().nullable(),
        path: z.string().nullable(),
        status: z.enum(["created", "failed"]),
        document_id: z.string().nullable(),
        error: z.string().nullable(),
      }),
    ),
  })
  .openapi("DocumentBulkUploadResult");
