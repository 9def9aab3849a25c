import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });

export const RecordStatusSchema = z.enum(["active", "archived", "deleted"]).openapi("RecordStatus");
const WritableStatus = z.enum(["active", "archived"]);

const FieldValues = z.record(z.string(), z.unknown()).openapi({
  description: "Values keyed by the recordset's field keys, each of its field's type (422 naming the field otherwise)",
  example: { name: "Acme", stage: "won", amount: 12500, close_date: "2026-03-01" },
});
const Tags = z.array(z.string().trim().min(1).max(100)).max(100);

export const RecordSchema = z
  .object({
    id: z.uuid(),
    recordset_id: z.uuid(),
    field_values: z.record(z.string(), z.unknown()),
    title: z.string().nullable(),
    status: RecordStatusSchema,
    tags: z.array(z.string()),
    version: z.number().int(),
    is_latest: z.boolean(),
    dismissed_from: z.array(z.string()),
    geometry: z.record(z.string(), z.unknown()).nullable(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    geo_precision: z.string().nullable(),
    import_job_id: z.uuid().nullable(),
    created_by_member_id: z.uuid().nullable(),
    updated_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
    deleted_at: isoDate.nullable(),
  })
  .openapi("Record");

export const RecordPageSchema = z
  .object({
    items: z.array(RecordSchema),
    total: z.number().int(),
    skip: z.number().int(),
    limit: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    has_more: z.boolean(),
  })
  .openapi("RecordPage");

export const RecordIdParam = z.object({
  record_id: z.string().openapi({ param: { name: "record_id", in: "path" }, example: "0192f0c2-7a4e-7c3d-9b1a-2f6d8e4c1a00" }),
});
export const HistoryParams = RecordIdParam.extend({
  history_id: z.string().openapi({ param: { name: "history_id", in: "path" }, description: "A version entry's id (from /history)" }),
});
export const AttachmentParams = RecordIdParam.extend({
  attachment_id: z.string().openapi({ param: { name: "attachment_id", in: "path" } }),
});

const pageParams = {
  skip: z.coerce.number().int().min(0).max(10_000_000).optional().openapi(q("skip", "Records to skip (default 0)")),
  limit: z.coerce.number().int().min(1).max(200).optional().openapi(q("limit", "Page size, at most 200 (default 50)")),
  page: z.coerce.number().int().min(1).max(1_000_000).optional().openapi(q("page", "1-based page (with page_size; instead of skip)")),
  page_size: z.coerce.number().int().min(1).max(200).optional().openapi(q("page_size", "Same as limit, at most 200")),
};

export const CrudListRecordsQuery = z.object({
  recordset_id: z.string().max(200).optional().openapi(q("recordset_id", "A recordset id or slug; omitted: every recordset you can view")),
  ...pageParams,
  search: z.string().max(200).optional().openapi(q("search", "Case-insensitive substring of the record's searchable values")),
  status: z.string().max(100).optional().openapi(q("status", "Comma-separated active, archived, deleted (default: all but deleted)")),
  tags: z.string().max(2000).optional().openapi(q("tags", "Comma-separated tags; see tags_mode")),
  tags_mode: z.enum(["any", "all"]).optional().openapi(q("tags_mode", "any (default): at least one of the tags; all: every tag")),
});
export type CrudListRecordsQuery = z.infer<typeof CrudListRecordsQuery>;

const jsonParam = (name: string, description: string) => z.string().max(20_000).optional().openapi(q(name, description));

export const ListRecordsQuery = CrudListRecordsQuery.extend({
  fields: z.string().max(2000).optional().openapi(q("fields", "Comma-separated field keys: field_values holds only these")),
  sort_by: z
    .string()
    .max(500)
    .optional()
    .openapi(
      q(
        "sort_by",
        'Comma-separated keys: "amount", "-amount" or "amount:desc"; field keys or created_at, updated_at, title, status, ' +
          "version, id. Numbers and currency sort numerically, dates chronologically, nulls last. Default: created_at desc",
      ),
    ),
  sort_order: z.enum(["asc", "desc"]).optional().openapi(q("sort_order", "Direction of sort keys that name none")),
  column_filters: jsonParam(
    "column_filters",
    'JSON: [{"field":"stage","op":"eq","value":"won"}] or {"stage":"won","region":["north","south"]}. ops: eq, neq, in, ' +
      "not_in (array value), contains, starts_with, ends_with, is_empty, is_not_empty. Built-ins: title, status, created_by_member_id",
  ),
  date_filters: jsonParam(
    "date_filters",
    'JSON: [{"field":"close_date","op":"between","value":["2026-01-01","2026-03-31"]}] or {"close_date":{"after":"2026-01-01"}}. ' +
      'ops: before, after, on, between, last / next ("7d", "2w", "3m", "1y"), today, this_week, this_month, this_year, ' +
      "is_empty, is_not_empty. Date fields, created_at, updated_at",
  ),
  numeric_filters: jsonParam(
    "numeric_filters",
    'JSON: [{"field":"amount","op":"gte","value":1000}] or {"amount":{"gte":1000,"lt":5000}}. ops: eq, neq, gt, gte, lt, ' +
      "lte, between ([min, max]), is_empty, is_not_empty. Number and currency fields, version",
  ),
  tool: z.string().max(100).optional().openapi(q("tool", "Hide records dismissed from this tool view (e.g. map, pipeline)")),
});
export type ListRecordsQuery = z.infer<typeof ListRecordsQuery>;

export const RecordCreate = z
  .object({
    recordset_id: z.string().min(1).max(200).openapi({ description: "The recordset's id or slug" }),
    field_values: FieldValues.default({}),
    tags: Tags.default([]),
    status: WritableStatus.default("active"),
  })
  .openapi("RecordCreate");
export type RecordCreate = z.infer<typeof RecordCreate>;

export const RecordUpdate = z
  .object({
    field_values: FieldValues.optional().openapi({ description: "Merged into the current values; null clears a field" }),
    tags: Tags.optional(),
    status: WritableStatus.optional(),
  })
  .openapi("RecordUpdate");
export type RecordUpdate = z.infer<typeof RecordUpdate>;

export const RecordReplace = z
  .object({
    field_values: FieldValues.openapi({ description: "The complete new values (fields left out are cleared)" }),
    tags: Tags.optional(),
    status: WritableStatus.optional(),
  })
  .openapi("RecordReplace");
export type RecordReplace = z.infer<typeof RecordReplace>;

export const BulkDeleteRequest = z
  .object({
    recordset_id: z.string().min(1).max(200).optional().openapi({ description: "Required with all=true; limits record_ids to it" }),
    record_ids: z.array(z.string().max(100)).max(1000).optional(),
    all: z.boolean().default(false),
  })
  .openapi("BulkDeleteRecords");
export type BulkDeleteRequest = z.infer<typeof BulkDeleteRequest>;

export const BulkDeleteResultSchema = z
  .object({
    deleted_count: z.number().int(),
    deleted_ids: z.array(z.uuid()).nullable().openapi({ description: "null for all=true" }),
    failed: z.array(z.object({ record_id: z.string(), reason: z.enum(["not_found", "forbidden"]), detail: z.string() })),
  })
  .openapi("BulkDeleteRecordsResult");

const MemberInfoSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    full_name: z.string().nullable(),
    display_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
  })
  .openapi("RecordMemberInfo");

export const RecordVersionSchema = z
  .object({
    id: z.uuid(),
    record_id: z.uuid(),
    version: z.number().int(),
    change_type: z.enum(["create", "update", "restore", "delete"]),
    restored_from_version: z.number().int().nullable(),
    field_values: z.record(z.string(), z.unknown()),
    changed_fields: z.array(z.string()).openapi({ description: "Keys that differ from the previous version" }),
    status: RecordStatusSchema,
    tags: z.array(z.string()),
    changed_by_member_id: z.uuid().nullable(),
    changed_by: MemberInfoSchema.nullable(),
    created_at: isoDate,
  })
  .openapi("RecordVersion");
export const RecordHistorySchema = z.object({ items: z.array(RecordVersionSchema), total: z.number().int() }).openapi("RecordHistory");
export const HistoryQuery = z.object({
  skip: z.coerce.number().int().min(0).default(0).openapi(q("skip", "Entries to skip (newest first)")),
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi(q("limit", "At most 200")),
});

export const CommentSchema = z
  .object({
    id: z.uuid(),
    record_id: z.uuid(),
    parent_id: z.uuid().nullable(),
    content: z.string(),
    member_id: z.uuid().nullable(),
    member: MemberInfoSchema.nullable(),
    edited_at: isoDate.nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("RecordComment");
export const CommentCreate = z
  .object({ content: z.string().trim().min(1).max(10_000), parent_id: z.uuid().optional() })
  .openapi("RecordCommentCreate");
export type CommentCreate = z.infer<typeof CommentCreate>;

export const RelationshipSchema = z
  .object({
    id: z.uuid(),
    source_record_id: z.uuid(),
    target_record_id: z.uuid(),
    relationship_type: z.string(),
    direction: z.enum(["outgoing", "incoming"]).openapi({ description: "outgoing: this record is the source" }),
    related_record: z.object({ id: z.uuid(), recordset_id: z.uuid(), title: z.string().nullable() }),
    data: z.record(z.string(), z.unknown()),
    created_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
  })
  .openapi("RecordRelationship");
export const RelationshipCreate = z
  .object({
    target_record_id: z.uuid(),
    relationship_type: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[a-z0-9_.-]+$/i, "letters, digits, _ . -")
      .default("related"),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .openapi("RecordRelationshipCreate");
export type RelationshipCreate = z.infer<typeof RelationshipCreate>;

export const DismissQuery = z.object({
  tool: z.string().trim().min(1).max(100).openapi(q("tool", "The tool view to hide the record from (e.g. map, pipeline)")),
});

export const AttachmentSchema = z
  .object({
    id: z.uuid(),
    record_id: z.uuid(),
    file_name: z.string(),
    content_type: z.string(),
    size: z.number().int(),
    uploaded_by_member_id: z.uuid().nullable(),
    url: z.string().openapi({ description: "Signed download link (GET /api/v1/files/download), valid 15 minutes" }),
    expires_at: isoDate,
    created_at: isoDate,
  })
  .openapi("RecordAttachment");
export const AttachmentUploadBody = z
  .object({ file: z.any().openapi({ type: "string", format: "binary", description: "Any type, up to 25 MB" }) })
  .openapi("RecordAttachmentUpload");
