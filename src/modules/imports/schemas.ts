import { z } from "@hono/zod-openapi";
import { FIELD_TYPES } from "../recordsets/fields";
import { API_JOB_STATUSES, IMPORT_JOB_STATUSES } from "./tables";

/** One rejected cell or row; `row` 1 is the first data row after the header (JSON: the first element). */
export const ImportRowErrorSchema = z
  .object({
    row: z
      .number()
      .int()
      .openapi({ description: "Data row: 1 is the first row after the header; file line = row + 1 when no quoted value spans lines" }),
    column: z.string().nullable(),
    value: z.string().nullable().optional().openapi({ description: "The cell as the file had it (first 200 characters)" }),
    reason: z.string(),
  })
  .openapi("ImportRowError");

export const FILE_TYPES = ["csv", "xlsx", "json", "geojson"] as const;

export const ImportFieldDefSchema = z
  .object({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "snake_case, starting with a letter")
      .openapi({ example: "deal_value" }),
    name: z.string().trim().min(1).max(200),
    type: z.enum(FIELD_TYPES),
    required: z.boolean().optional(),
    options: z.array(z.string().min(1).max(200)).max(500).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    relation_recordset_id: z.uuid().optional(),
    is_primary: z.boolean().optional(),
    description: z.string().max(2000).optional(),
  })
  .openapi("ImportFieldDef");

/** An R2 object key of this workspace's uploads, as returned by the upload endpoints. */
const FileUri = z
  .string()
  .min(1)
  .max(600)
  .openapi({ description: "The file_uri returned by /import/upload or the signed upload", example: "r2://imports/…/deals.csv" });

export const UploadAnalysisSchema = z
  .object({
    file_uri: z.string(),
    file_name: z.string(),
    file_type: z.enum(FILE_TYPES),
    size_bytes: z.number().int(),
    headers: z.array(z.string()),
    total_rows: z.number().int().openapi({ description: "Data rows (the header row of CSV/xlsx not counted)" }),
    sample_rows: z.array(z.record(z.string(), z.unknown())).openapi({ description: "The first 5 rows" }),
    suggested_fields: z.array(ImportFieldDefSchema),
    suggested_mappings: z.record(z.string(), z.string()).openapi({ description: "Column → suggested field key" }),
    has_geometry: z.boolean().openapi({ description: "GeoJSON: rows carry geometries (a map-mode recordset is suggested)" }),
    invalid_rows: z.number().int().openapi({
      description:
        "Rows an import with the suggested fields and mappings would reject: unreadable rows and rows with a value that does not fit its suggested type",
    }),
    invalid_examples: z.array(ImportRowErrorSchema).openapi({ description: "The first (up to 10) of those rejections, in file order" }),
  })
  .openapi("ImportUploadAnalysis");

/** An OpenAPI schema object, not zod: the validator leaves the body alone, so the upload can be streamed. */
export const UploadFormSchema: {
  type: "object";
  required: string[];
  properties: Record<string, { type: "string"; format: string; description: string }>;
} = {
  type: "object",
  required: ["file"],
  properties: {
    file: { type: "string", format: "binary", description: "CSV, .xlsx, GeoJSON or JSON (array of objects), up to 100 MB" },
  },
};

export const AnalyzeBody = z.object({ file_uri: FileUri }).openapi("ImportAnalyzeRequest");
export type AnalyzeBody = z.infer<typeof AnalyzeBody>;

export const SignedUploadBody = z
  .object({
    filename: z.string().trim().min(1).max(255),
    content_type: z.string().max(200).optional(),
    size_bytes: z
      .number()
      .int()
      .min(1)
      .max(100 * 1024 * 1024)
      .optional(),
  })
  .openapi("ImportSignedUploadRequest");
export type SignedUploadBody = z.infer<typeof SignedUploadBody>;

export const SignedUploadSchema = z
  .object({
    upload_url: z.string().openapi({ description: "PUT the file's bytes here (no token needed) before expires_at" }),
    method: z.literal("PUT"),
    headers: z.record(z.string(), z.string()),
    file_uri: z.string(),
    expires_at: z.string(),
    max_bytes: z.number().int(),
  })
  .openapi("ImportSignedUpload");

export const SignedPutQuery = z.object({
  key: z.string().min(1).max(600),
  exp: z.coerce.number().int(),
  sig: z.string().min(1).max(200),
});

export const StoredFileSchema = z
  .object({ file_uri: z.string(), file_name: z.string(), size_bytes: z.number().int() })
  .openapi("ImportStoredFile");

const Mappings = z
  .record(z.string().max(200), z.string().max(63))
  .openapi({ description: "Source column → recordset field key; columns not listed are skipped" });

export const CreateAndImportBody = z
  .object({
    file_uri: FileUri,
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    type: z.string().trim().min(1).max(60).optional(),
    icon: z.string().max(100).optional(),
    color: z.string().max(40).optional(),
    mode: z.enum(["table", "map"]).optional(),
    fields: z.array(ImportFieldDefSchema).min(1).max(200).optional().openapi({ description: "Default: the suggested fields" }),
    field_mappings: Mappings.optional().openapi({ description: "Default: the suggested mappings (or header = field name/key)" }),
  })
  .openapi("ImportCreateRecordsetRequest");
export type CreateAndImportBody = z.infer<typeof CreateAndImportBody>;

export const ImportIntoBody = z.object({ file_uri: FileUri, field_mappings: Mappings.optional() }).openapi("ImportIntoRecordsetRequest");
export type ImportIntoBody = z.infer<typeof ImportIntoBody>;

export const ImportStartedSchema = z
  .object({
    job_id: z.string(),
    status: z.enum(API_JOB_STATUSES),
    recordset_id: z.string(),
    recordset_slug: z.string(),
    status_url: z.string(),
    message: z.string(),
  })
  .openapi("ImportStarted");

export const ExportBody = z
  .object({
    recordset_id: z.string().min(1).max(200).openapi({ description: "Recordset id or slug" }),
    format: z.literal("csv").default("csv"),
    fields: z.array(z.string().max(63)).max(200).optional().openapi({ description: "Field keys to export (default: all)" }),
    status: z.enum(["active", "archived"]).optional(),
  })
  .openapi("RecordsetExportRequest");
export type ExportBody = z.infer<typeof ExportBody>;

export const ImportJobSchema = z
  .object({
    id: z.string(),
    job_id: z.string(),
    job_type: z.enum(["import", "export"]),
    status: z.enum(API_JOB_STATUSES),
    recordset_id: z.string().nullable(),
    file_name: z.string().nullable(),
    file_type: z.string().nullable(),
    file_size: z.number().int().nullable(),
    progress: z.number().int(),
    total_rows: z.number().int().nullable(),
    processed_rows: z.number().int(),
    imported_rows: z.number().int(),
    error_rows: z.number().int(),
    message: z.string().nullable(),
    error_message: z.string().nullable(),
    validation_summary: z
      .object({
        total_rows: z.number().int(),
        valid_rows: z.number().int(),
        error_rows: z.number().int(),
        sample_errors: z.array(ImportRowErrorSchema),
      })
      .nullable(),
    report_url: z.string().nullable().openapi({ description: "Signed, expiring download of the error report (CSV), when there is one" }),
    report_expires_at: z.string().nullable(),
    download_url: z.string().nullable().openapi({ description: "Exports: signed, expiring download of the CSV" }),
    created_by_member_id: z.string().nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
  })
  .openapi("ImportJob");

export const ImportJobListSchema = z
  .object({
    jobs: z.array(ImportJobSchema),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    has_more: z.boolean(),
  })
  .openapi("ImportJobList");

export const ListJobsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(20),
  job_type: z.enum(["import", "export"]).optional(),
  status: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum([...IMPORT_JOB_STATUSES, "processing"]))
    .optional()
    .openapi({ description: "A status in either case (COMPLETED or completed); processing = RUNNING", example: "RUNNING" }),
});
export type ListJobsQuery = z.infer<typeof ListJobsQuery>;

export const LegacyStatusSchema = z
  .object({
    job_id: z.string(),
    status: z.enum(API_JOB_STATUSES),
    progress: z.number().int(),
    total_rows: z.number().int().nullable(),
    processed_rows: z.number().int(),
    imported_rows: z.number().int(),
    error_rows: z.number().int(),
    message: z.string().nullable(),
    error_message: z.string().nullable(),
  })
  .openapi("ImportLegacyStatus");

export const CancelResultSchema = z
  .object({ job_id: z.string(), status: z.enum(API_JOB_STATUSES), message: z.string() })
  .openapi("ImportCancelResult");

export const CancelAllResultSchema = z
  .object({ cancelled: z.number().int(), job_ids: z.array(z.string()) })
  .openapi("ImportCancelAllResult");

export const ExportStartedSchema = z
  .object({
    job_id: z.string(),
    status: z.enum(API_JOB_STATUSES),
    recordset_id: z.string(),
    status_url: z.string(),
    message: z.string(),
  })
  .openapi("RecordsetExportStarted");

export const ReportUrlSchema = z
  .object({ job_id: z.string(), report_url: z.string(), expires_at: z.string(), error_rows: z.number().int() })
  .openapi("ImportReportUrl");

export const JobIdParam = z.object({ job_id: z.string().openapi({ param: { name: "job_id", in: "path" } }) });
export const RecordsetIdParam = z.object({
  recordset_id: z.string().openapi({ param: { name: "recordset_id", in: "path" }, description: "Recordset id or slug" }),
});
export const ErrorReportQuery = z.object({ exp: z.coerce.number().int(), sig: z.string().min(1).max(200) });
