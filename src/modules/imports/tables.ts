import { index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts, updatedAt } from "../../platform/db/columns";

export const IMPORT_JOB_STATUSES = ["pending", "queued", "running", "completed", "failed", "cancelled"] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];
/** The API spells job statuses in capitals, as every job stream does (PENDING … CANCELLED); stored lower-case. */
export const API_JOB_STATUSES = ["PENDING", "QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"] as const;
export const apiStatus = (s: ImportJobStatus) => s.toUpperCase() as (typeof API_JOB_STATUSES)[number];
export const ACTIVE_IMPORT_STATUSES: ImportJobStatus[] = ["pending", "queued", "running"];
export type ImportJobType = "import" | "export";
export type ImportFileType = "csv" | "xlsx" | "json" | "geojson";

/** One row error of an import (1-based data row; column is the source header, or null for the row). */
/** A rejected row. `row` counts data rows: 1 is the first row after the header (JSON: the first element). */
export interface ImportRowError {
  row: number;
  column: string | null;
  /** The cell as the file had it (cut at 200 characters); absent for whole-row errors. */
  value?: string | null;
  reason: string;
}

/**
 * Tenant database: import and export jobs of recordsets. `id` is the control database's jobs.id
 * (its JobProgress Durable Object carries the live SSE progress); this row is the job's full state:
 * source file, mappings, counts and the lowercase status the API serves (incl. cancelled).
 */
export const importJobs = pgTable(
  "import_jobs",
  {
    id: uuid("id").primaryKey(),
    jobType: text("job_type").$type<ImportJobType>().notNull(),
    status: text("status").$type<ImportJobStatus>().notNull().default("queued"),
    recordsetId: uuid("recordset_id"),
    createdByMemberId: uuid("created_by_member_id"),
    createdByUserId: uuid("created_by_user_id").notNull(),
    /** Imports: the uploaded object (R2 key), its type and name. Exports: the produced CSV. */
    fileKey: text("file_key"),
    fileName: text("file_name"),
    fileType: text("file_type").$type<ImportFileType>(),
    fileSize: integer("file_size"),
    /** Imports: source column → recordset field key (unmapped columns are skipped). */
    fieldMappings: jsonb("field_mappings").$type<Record<string, string>>(),
    /** The source's header row and where its data starts (CSV) or the normalised NDJSON object (others). */
    headers: jsonb("headers").$type<string[]>(),
    dataKey: text("data_key"),
    dataOffset: integer("data_offset"),
    dataSize: integer("data_size"),
    totalRows: integer("total_rows"),
    processedRows: integer("processed_rows").notNull().default(0),
    importedRows: integer("imported_rows").notNull().default(0),
    errorRows: integer("error_rows").notNull().default(0),
    progress: integer("progress").notNull().default(0),
    message: text("message"),
    errorMessage: text("error_message"),
    /** Error report (imports) or export file (exports) in R2. */
    reportKey: text("report_key"),
    result: jsonb("result").$type<Record<string, unknown>>(),
    notifiedAt: ts("notified_at"),
    startedAt: ts("started_at"),
    completedAt: ts("completed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("import_jobs_created_idx").on(t.createdAt), index("import_jobs_status_idx").on(t.status)],
);

/**
 * The chunk ledger of an import: one row per processed chunk, written in the same statement as the
 * chunk's records, so a redelivered chunk message finds its row and adds nothing twice.
 */
export const importChunks = pgTable(
  "import_chunks",
  {
    jobId: uuid("job_id")
      .notNull()
      .references(() => importJobs.id, { onDelete: "cascade" }),
    chunk: integer("chunk").notNull(),
    startOffset: integer("start_offset").notNull(),
    endOffset: integer("end_offset").notNull(),
    startRow: integer("start_row").notNull(),
    rows: integer("rows").notNull(),
    inserted: integer("inserted").notNull(),
    errorRows: integer("error_rows").notNull(),
    errors: jsonb("errors").$type<ImportRowError[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.chunk] })],
);
