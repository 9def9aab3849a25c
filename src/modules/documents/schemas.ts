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
