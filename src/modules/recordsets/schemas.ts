import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";
import { FIELD_TYPES } from "./fields";

// ---- path parameters -------------------------------------------------------------------------

const pathParam = (name: string) => z.string().openapi({ param: { name, in: "path" } });

export const RecordsetSlugParam = z.object({ recordset_slug: pathParam("recordset_slug") });
export const RecordsetIdParam = z.object({ recordset_id: pathParam("recordset_id") });
export const RecordsetViewParams = z.object({ recordset_slug: pathParam("recordset_slug"), view_id: pathParam("view_id") });
export const RecordsetMemberParams = z.object({ recordset_slug: pathParam("recordset_slug"), member_id: pathParam("member_id") });
export const RecordsetTeamParams = z.object({ recordset_slug: pathParam("recordset_slug"), team_id: pathParam("team_id") });

// ---- fields ----------------------------------------------------------------------------------

export const FieldTypeSchema = z.enum(FIELD_TYPES).openapi("RecordsetFieldType");

export const FieldDefSchema = z
  .object({
    key: z.string().openapi({ description: "Stable key in field_values (snake_case, unique in the recordset)" }),
    name: z.string(),
    type: FieldTypeSchema,
    required: z.boolean().optional(),
    options: z.array(z.string()).optional().openapi({ description: "select / multi_select: the allowed options" }),
    currency: z.string().optional().openapi({ description: "currency: ISO 4217 code" }),
    relation_recordset_id: z.string().optional().openapi({ description: "relation: the recordset the values point into" }),
    is_primary: z.boolean().optional().openapi({ description: "The field shown as the record's title (at most one)" }),
    description: z.string().optional(),
  })
  .openapi("RecordsetField");

export const FieldDefInput = z
  .object({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "Keys are snake_case: a lower-case letter, then letters, digits or _ (at most 63)")
      .optional()
      .openapi({ description: "Made from the name when omitted" }),
    name: z.string().trim().min(1).max(200),
    type: FieldTypeSchema,
    required: z.boolean().optional(),
    options: z.array(z.string().trim().min(1).max(200)).max(500).optional(),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "An ISO 4217 code such as USD")
      .transform((s) => s.toUpperCase())
      .optional(),
    relation_recordset_id: z.uuid().optional(),
    is_primary: z.boolean().optional(),
    description: z.string().max(2000).optional(),
  })
  .openapi("RecordsetFieldInput");
export type FieldDefInput = z.infer<typeof FieldDefInput>;

const fieldsInput = z
  .array(FieldDefInput)
  .max(200)
  .openapi({
    description:
      "The typed fields. Keys unique; select and multi_select need options; at most one is_primary. On update, the list replaces " +
      "the old one: removed fields' values are dropped from records; a type change that existing values do not satisfy is a 422 " +
      "naming the field (changes to text, and select → multi_select, convert the stored values).",
  });

// ---- recordsets ------------------------------------------------------------------------------

export const RecordsetModeSchema = z.enum(["table", "map"]).openapi("RecordsetMode");

export const RecordsetSchema = z
  .object({
    id: z.uuid(),
    slug: z.string().openapi({ description: "Made from the name at creation (-2, -3… when taken); never changes" }),
    name: z.string(),
    description: z.string().nullable(),
    icon: z.string().nullable(),
    color: z.string().nullable(),
    type: z.string().openapi({ description: "Free classification: deals, properties, leads, custom…" }),
    mode: RecordsetModeSchema,
    fields: z.array(FieldDefSchema),
    settings: z.record(z.string(), z.unknown()),
    gis_mapping: z.record(z.string(), z.unknown()).nullable(),
    is_integration: z.boolean(),
    staging_table: z.string().nullable(),
    record_count: z.number().int().openapi({ description: "Records that are not deleted" }),
    is_active: z.boolean().openapi({ description: "false when in the trash" }),
    created_by_member_id: z.uuid().nullable(),
    deleted_at: isoDate.nullable(),
    deleted_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Recordset");

export const RecordsetListSchema = z
  .object({
    items: z.array(RecordsetSchema),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    pages: z.number().int(),
  })
  .openapi("RecordsetList");

export const TrashedRecordsetSchema = RecordsetSchema.extend({
  purge_at: isoDate.openapi({ description: "When the cron deletes it for good (30 days after deleted_at)" }),
  days_until_purge: z.number().int(),
}).openapi("TrashedRecordset");

export const TrashListSchema = z
  .object({
    items: z.array(TrashedRecordsetSchema),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    pages: z.number().int(),
  })
  .openapi("RecordsetTrashList");

const name = z.string().trim().min(1).max(200);
const optText = (max: number) => z.string().trim().max(max).nullable().optional();
const settings = z.record(z.string(), z.unknown()).openapi({ description: "Free-form display settings (JSON object)" });

export const RecordsetCreate = z
  .object({
    name,
    slug: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Lower-case letters, digits and single dashes")
      .max(80)
      .optional()
      .openapi({ description: "Made from the name when omitted (with -2, -3… if taken); a given slug that is taken is a 409" }),
    description: optText(5000),
    icon: optText(100),
    color: optText(50),
    type: z.string().trim().min(1).max(50).optional().openapi({ description: "Default custom" }),
    mode: RecordsetModeSchema.optional().openapi({ description: "Default table" }),
    fields: fieldsInput.optional(),
    settings: settings.optional(),
  })
  .openapi("RecordsetCreate");
export type RecordsetCreate = z.infer<typeof RecordsetCreate>;

export const RecordsetUpdate = z
  .object({
    name: name.optional().openapi({ description: "The slug stays as it was" }),
    description: optText(5000),
    icon: optText(100),
    color: optText(50),
    type: z.string().trim().min(1).max(50).optional(),
    mode: RecordsetModeSchema.optional().openapi({
      description: "Only table here (leaves map mode); map mode is switched on with POST /recordsets/{recordset_id}/enable-map",
    }),
    fields: fieldsInput.optional(),
    settings: settings.optional(),
  })
  .openapi("RecordsetUpdate");
export type RecordsetUpdate = z.infer<typeof RecordsetUpdate>;

/** PUT /crud/recordsets/{id}: every attribute; the omitted optional ones go back to their defaults. */
export const RecordsetReplace = RecordsetCreate.omit({ slug: true }).extend({ fields: fieldsInput }).openapi("RecordsetReplace");
export type RecordsetReplace = z.infer<typeof RecordsetReplace>;

const bool = (description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ type: "boolean", description });

export const ListRecordsetsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(50),
  search: z.string().trim().max(200).optional().openapi({ description: "Case-insensitive match on name, slug and description" }),
  type: z.string().trim().max(50).optional(),
  is_active: bool("true (default): live recordsets; false: trashed ones (workspace admins and owners only)"),
});
export type ListRecordsetsQuery = z.infer<typeof ListRecordsetsQuery>;

export const TrashQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(50),
  search: z.string().trim().max(200).optional(),
});
export type TrashQuery = z.infer<typeof TrashQuery>;

export const SyncCountsSchema = z
  .object({
    recordsets: z.number().int().openapi({ description: "Recordsets checked" }),
    updated: z.number().int().openapi({ description: "Recordsets whose stored count was wrong and was fixed" }),
  })
  .openapi("RecordsetSyncCounts");

export const ResyncPromotedSchema = z
  .object({ recordset_id: z.uuid(), updated: z.number().int().openapi({ description: "Records whose title/search_text changed" }) })
  .openapi("RecordsetResyncPromoted");

// ---- permissions and grants --------------------------------------------------------------------

export const RecordsetPermissionsSchema = z
  .object({
    recordset_id: z.uuid(),
    recordset_slug: z.string(),
    can_view: z.boolean(),
    can_create: z.boolean(),
    can_edit: z.boolean(),
    can_edit_own: z.boolean(),
    can_delete: z.boolean(),
    can_delete_own: z.boolean(),
    is_admin: z.boolean(),
    can_admin: z.boolean().openapi({ description: "Same as is_admin (the seed's name)" }),
    is_owner: z.boolean().openapi({ description: "You created the recordset" }),
    source: z.enum(["workspace_role", "creator", "grant"]).openapi({ description: "Where your access comes from" }),
  })
  .openapi("RecordsetPermissions");

const flags = {
  can_view: z.boolean(),
  can_create: z.boolean(),
  can_edit: z.boolean(),
  can_edit_own: z.boolean(),
  can_delete: z.boolean(),
  can_delete_own: z.boolean(),
  is_admin: z.boolean(),
};

export const RecordsetAccessSchema = z
  .object({
    id: z.uuid(),
    recordset_id: z.uuid(),
    grantee_type: z.enum(["member", "team"]),
    member_id: z.uuid().nullable(),
    team_id: z.uuid().nullable(),
    name: z.string().nullable().openapi({ description: "The member's name (or email) or the team's name" }),
    ...flags,
    granted_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("RecordsetAccess");

const flag = (d: string) => z.boolean().optional().openapi({ description: d });
export const RecordsetAccessCreate = z
  .object({
    member_id: z.uuid().optional(),
    team_id: z.uuid().optional(),
    can_view: flag("Default true; every grant can view"),
    can_create: flag("Create records (default false)"),
    can_edit: flag("Edit any record (default false)"),
    can_edit_own: flag("Edit records you created (default false)"),
    can_delete: flag("Delete any record (default false)"),
    can_delete_own: flag("Delete records you created (default false)"),
    is_admin: flag("Manage the recordset: fields, views, pipeline, grants, trash (default false; implies everything)"),
  })
  .refine((v) => !!v.member_id !== !!v.team_id, { message: "Give either member_id or team_id (not both)", path: ["member_id"] })
  .openapi("RecordsetAccessCreate");
export type RecordsetAccessCreate = z.infer<typeof RecordsetAccessCreate>;

// ---- views -----------------------------------------------------------------------------------

export const ViewFiltersSchema = z
  .object({
    search: z.string().max(200).optional(),
    status: z.string().max(100).optional(),
    tags: z.string().max(1000).optional(),
    tags_mode: z.enum(["any", "all"]).optional(),
    column_filters: z.unknown().optional(),
    date_filters: z.unknown().optional(),
    numeric_filters: z.unknown().optional(),
  })
  .strict()
  .openapi("RecordsetViewFilters", {
    description:
      "The records list's filters, stored parsed (same syntax as GET /api/v1/records: column_filters, date_filters, " +
      "numeric_filters as arrays of {field, op, value} or the compact object form). Field names are checked against the recordset.",
  });

export const ViewSortSchema = z
  .object({ field: z.string().min(1).max(100), direction: z.enum(["asc", "desc"]).default("asc") })
  .openapi("RecordsetViewSort");

export const RecordsetViewSchema = z
  .object({
    id: z.uuid(),
    recordset_id: z.uuid(),
    name: z.string(),
    filters: z.record(z.string(), z.unknown()),
    sort: z.array(z.unknown()),
    columns: z.array(z.string()),
    is_default: z.boolean(),
    created_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("RecordsetView");

const columnsInput = z
  .array(z.string().min(1).max(100))
  .max(200)
  .openapi({ description: "Visible columns in order: field keys or built-in columns (title, status, tags, created_at, …)" });

export const RecordsetViewCreate = z
  .object({
    name: z.string().trim().min(1).max(200),
    filters: ViewFiltersSchema.optional(),
    sort: z.array(ViewSortSchema).max(5).optional(),
    columns: columnsInput.optional(),
    is_default: z.boolean().optional().openapi({ description: "Make this the recordset's default view (unsets the previous one)" }),
  })
  .openapi("RecordsetViewCreate");
export type RecordsetViewCreate = z.infer<typeof RecordsetViewCreate>;

export const RecordsetViewUpdate = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    filters: ViewFiltersSchema.optional(),
    sort: z.array(ViewSortSchema).max(5).optional(),
    columns: columnsInput.optional(),
    is_default: z.boolean().optional(),
  })
  .openapi("RecordsetViewUpdate");
export type RecordsetViewUpdate = z.infer<typeof RecordsetViewUpdate>;

// ---- pipeline --------------------------------------------------------------------------------

export const PipelineStageSchema = z
  .object({
    key: z.string().openapi({ description: "An option of the stage field" }),
    name: z.string(),
    color: z.string().optional(),
    probability: z.number().optional().openapi({ description: "Win probability 0-100" }),
    record_count: z.number().int().openapi({ description: "Records in this stage (not deleted)" }),
  })
  .openapi("PipelineStage");

export const PipelineSchema = z
  .object({
    id: z.uuid(),
    recordset_id: z.uuid(),
    name: z.string(),
    stage_field: z.string(),
    stages: z.array(PipelineStageSchema).openapi({ description: "The stage field's options, in order, with their display settings" }),
    unstaged_count: z.number().int().openapi({ description: "Records with no stage value" }),
    created_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Pipeline");

export const PipelineCreate = z
  .object({
    name: z.string().trim().min(1).max(200).optional().openapi({ description: "Default: the recordset's name" }),
    stage_field: z.string().min(1).max(100).openapi({ description: "Key of a select field; its options are the stages" }),
    stages: z
      .array(
        z.object({
          key: z.string().min(1).max(200),
          name: z.string().trim().min(1).max(200).optional(),
          color: z.string().max(50).optional(),
          probability: z.number().min(0).max(100).optional(),
        }),
      )
      .max(500)
      .optional()
      .openapi({ description: "Display settings per stage (keys must be options of the field); omitted stages use the option as name" }),
  })
  .openapi("PipelineCreate");
export type PipelineCreate = z.infer<typeof PipelineCreate>;
