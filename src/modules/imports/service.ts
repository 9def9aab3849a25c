import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import { R2BytesWriter, releaseRequestBody } from "../../platform/bytes";
import { actorUserId, type ServiceContext } from "../../platform/context";
import { type FieldIssue, forbidden, notFound, ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { createJob, getJob, JobReporter } from "../../platform/jobs/service";
import { boundaryOf, streamMultipart } from "../../platform/multipart";
import { recordActivity } from "../activity/service";
import { currentMember } from "../members/service";
import { hasPermission, requirePermission } from "../permissions/service";
import type { FieldDef } from "../recordsets/fields";
import { getRecordsetForActor } from "../recordsets/internal";
import { createRecordset } from "../recordsets/service";
import { BadFileError, csvHeader, type FileType, fileTypeOf, sniffJsonType, sourceRows } from "./formats";
import { coerceRow, SAMPLE_ROWS, suggestFields } from "./infer";
import {
  EXPORT_JOB_KIND,
  EXPORT_MESSAGE,
  errorReportKey,
  fileNameOfKey,
  fileUriOf,
  IMPORT_JOB_KIND,
  IMPORT_MESSAGE,
  JOB_PATH,
  type JobRow,
  MAX_UPLOAD_BYTES,
  safeFileName,
  scopeOf,
  signReportUrl,
  signUploadUrl,
  toJobJson,
  uploadKeyOf,
  uploadPrefix,
  verifySigned,
} from "./internal";
import type { AnalyzeBody, CreateAndImportBody, ExportBody, ImportIntoBody, ListJobsQuery, SignedUploadBody } from "./schemas";
import { ACTIVE_IMPORT_STATUSES, apiStatus, type ImportJobStatus, type ImportRowError, importJobs } from "./tables";

const invalid = (loc: (string | number)[], msg: string) =>
  new ServiceError("validation_error", msg, { issues: [{ loc, msg, type: "value_error" }] });

/** Uploading or analysing a file needs one of the permissions an import will need. */
async function requireCanImport(ctx: ServiceContext): Promise<void> {
  if ((await hasPermission(ctx, "can_create_record")) || (await hasPermission(ctx, "can_create_recordset"))) return;
  throw forbidden("You do not have permission to import records");
}

function typeOfName(name: string, contentType?: string): FileType {
  const t = fileTypeOf(name, contentType);
  if (!t) throw invalid(["body", "file"], "Unsupported file type: upload a .csv, .xlsx, .geojson or .json file");
  return t;
}

// ---- upload ----------------------------------------------------------------------------------

/**
 * POST /import/upload: streams the multipart `file` into R2 (never buffered whole; 100 MB at
 * most) and analyses it. A file that is not what its name claims is a 422 and is not kept.
 */
export async function uploadFile(ctx: ServiceContext, req: { body: ReadableStream<Uint8Array> | null; contentType: string }) {
  const scope = scopeOf(ctx);
  await requireCanImport(ctx);
  const boundary = boundaryOf(req.contentType);
  if (!boundary || !req.body) throw invalid(["body", "file"], "Send multipart/form-data with a `file` field");
  let writer: R2BytesWriter | undefined;
  let fileType: FileType | undefined;
  let parsed: Awaited<ReturnType<typeof streamMultipart>>;
  try {
    parsed = await streamMultipart(req.body, boundary, MAX_UPLOAD_BYTES, (meta) => {
      const name = safeFileName(meta.filename);
      fileType = typeOfName(name, meta.contentType);
      writer = new R2BytesWriter(ctx.env.FILES, `${uploadPrefix(scope.id)}${crypto.randomUUID()}/${name}`, {
        httpMetadata: { contentType: meta.contentType || "application/octet-stream" },
        customMetadata: { file_name: name, file_type: fileType, uploaded_by: actorUserId(ctx) },
      });
      return writer;
    });
    if (!parsed.file || !writer) throw invalid(["body", "file"], "Field required");
    await writer.finish();
  } catch (e) {
    await writer?.abort();
    throw e;
  }
  if (parsed.file.size === 0) {
    await ctx.env.FILES.delete(writer.key);
    throw invalid(["body", "file"], "The file is empty");
  }
  return analyseStored(ctx, writer.key, { discardOnFailure: true, fileType });
}

/** POST /import/upload/signed-url: a URL on this API that accepts one PUT of the file (1 hour). */
export async function createSignedUpload(ctx: ServiceContext, input: SignedUploadBody) {
  const scope = scopeOf(ctx);
  await requireCanImport(ctx);
  const name = safeFileName(input.filename);
  if (!fileTypeOf(name, input.content_type)) {
    throw invalid(["body", "filename"], "Unsupported file type: upload a .csv, .xlsx, .geojson or .json file");
  }
  const key = `${uploadPrefix(scope.id)}${crypto.randomUUID()}/${name}`;
  const signed = await signUploadUrl(ctx.env, key);
  return {
    upload_url: signed.url,
    method: "PUT" as const,
    headers: { "content-type": input.content_type ?? "application/octet-stream" },
    file_uri: fileUriOf(key),
    expires_at: signed.expires_at,
    max_bytes: MAX_UPLOAD_BYTES,
  };
}

/**
 * PUT /import/upload?key&exp&sig (public, signed): streams the body into R2 under the signed key.
 * A missing or bad signature, or an expired link, is a 403; more than 100 MB is a 413.
 */
export async function receiveSignedUpload(
  ctx: ServiceContext,
  q: { key: string; exp: number; sig: string },
  req: { body: ReadableStream<Uint8Array> | null; contentType: string },
) {
  await verifySigned("upload", ctx.env, q.key, q.exp, q.sig);
  if (!q.key.startsWith("imports/") || !q.key.includes("/uploads/")) throw forbidden("The link's signature is not valid");
  if (!req.body) throw invalid(["body"], "The request has no body");
  const name = fileNameOfKey(q.key);
  const writer = new R2BytesWriter(ctx.env.FILES, q.key, {
    httpMetadata: { contentType: req.contentType || "application/octet-stream" },
    customMetadata: { file_name: name, file_type: fileTypeOf(name, req.contentType) ?? "csv" },
  });
  const reader = req.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (writer.size + value.length > MAX_UPLOAD_BYTES) {
        throw new ServiceError("payload_too_large", `The file is larger than ${MAX_UPLOAD_BYTES / 1048576} MB`);
      }
      await writer.write(value);
    }
    if (writer.size === 0) throw invalid(["body"], "The file is empty");
    await writer.finish();
  } catch (e) {
    await releaseRequestBody(reader);
    await writer.abort();
    throw e;
  }
  return { file_uri: fileUriOf(q.key), file_name: name, size_bytes: writer.size };
}

/** POST /import/upload/analyze */
export async function analyzeUpload(ctx: ServiceContext, input: AnalyzeBody) {
  const scope = scopeOf(ctx);
  await requireCanImport(ctx);
  return analyseStored(ctx, uploadKeyOf(scope.id, input.file_uri), { discardOnFailure: false });
}

interface StoredFile {
  key: string;
  name: string;
  size: number;
  type: FileType;
}

async function storedFile(ctx: ServiceContext, key: string, hint?: FileType): Promise<StoredFile> {
  const head = await ctx.env.FILES.head(key);
  if (!head) throw notFound("Uploaded file");
  const name = head.customMetadata?.file_name ?? fileNameOfKey(key);
  let type = hint ?? fileTypeOf(name, head.httpMetadata?.contentType);
  if (!type) throw invalid(["body", "file_uri"], "Unsupported file type: upload a .csv, .xlsx, .geojson or .json file");
  if (type === "json" || type === "geojson") type = type === "geojson" ? "geojson" : await sniffJsonType(ctx.env.FILES, key);
  return { key, name, size: head.size, type };
}

/** Rows of the analysis' rejection preview (`invalid_examples`). */
const INVALID_EXAMPLES = 10;

/**
 * Streams the whole file once: headers, a sample for type inference, the row count, and what an
 * import with the suggested fields and mappings would reject (every row checked the way the
 * import checks it: the sample once the types are known, then each row as it comes).
 */
async function analyseStored(ctx: ServiceContext, key: string, opts: { discardOnFailure: boolean; fileType?: FileType | undefined }) {
  const file = await storedFile(ctx, key, opts.fileType);
  const headers: string[] = [];
  const sample: Record<string, unknown>[] = [];
  let total = 0;
  let invalidRows = 0;
  const examples: ImportRowError[] = [];
  let suggestion: ReturnType<typeof suggestFields> | undefined;
  let plan: [string, FieldDef][] = [];
  const check = (values: Record<string, unknown>, rowNo: number) => {
    const { errors } = coerceRow(plan, values, rowNo);
    if (errors.length === 0) return;
    invalidRows++;
    if (examples.length < INVALID_EXAMPLES) examples.push(...errors.slice(0, INVALID_EXAMPLES - examples.length));
  };
  const decide = () => {
    suggestion = fixGeometry(suggestFields(headers, sample), file.type);
    const byKey = new Map(suggestion.fields.map((f) => [f.key, f]));
    plan = Object.entries(suggestion.mapping).flatMap(([col, k]) =>
      byKey.has(k) ? [[col, byKey.get(k) as FieldDef] as [string, FieldDef]] : [],
    );
  };
  // Row numbers of the sample (unreadable rows are not in it).
  const sampleRows: number[] = [];
  try {
    for await (const row of sourceRows(ctx.env.FILES, key, file.type, file.size, headers)) {
      total++;
      if (row.error) {
        invalidRows++;
        if (examples.length < INVALID_EXAMPLES) examples.push({ row: total, column: null, reason: row.error });
      } else if (!suggestion && sample.length < SAMPLE_ROWS) {
        sample.push(row.values);
        sampleRows.push(total);
        if (sample.length === SAMPLE_ROWS) {
          decide();
          for (const [i, v] of sample.entries()) check(v, sampleRows[i] as number);
        }
      } else check(row.values, total);
    }
  } catch (e) {
    if (e instanceof BadFileError) {
      if (opts.discardOnFailure) await ctx.env.FILES.delete(key);
      throw invalid(["body", opts.discardOnFailure ? "file" : "file_uri"], e.message);
    }
    throw e;
  }
  if (!suggestion && headers.length > 0) {
    decide();
    for (const [i, v] of sample.entries()) check(v, sampleRows[i] as number);
  }
  examples.sort((a, b) => a.row - b.row);
  if (headers.length === 0) {
    if (opts.discardOnFailure) await ctx.env.FILES.delete(key);
    throw invalid(["body", opts.discardOnFailure ? "file" : "file_uri"], "The file has no columns");
  }
  const { fields, mapping } = suggestion as ReturnType<typeof suggestFields>;
  return {
    file_uri: fileUriOf(key),
    file_name: file.name,
    file_type: file.type,
    size_bytes: file.size,
    headers,
    total_rows: total,
    sample_rows: sample.slice(0, 5),
    suggested_fields: fields,
    suggested_mappings: mapping,
    has_geometry: file.type === "geojson",
    invalid_rows: invalidRows,
    invalid_examples: examples,
  };
}

/** GeoJSON: the features' geometry is a geo field even when some sample geometries are invalid. */
function fixGeometry(s: ReturnType<typeof suggestFields>, type: FileType): ReturnType<typeof suggestFields> {
  const geometry = type === "geojson" ? s.fields.find((f) => f.key === s.mapping.geometry) : undefined;
  if (geometry) {
    geometry.type = "geo";
    delete geometry.options;
    if (geometry.is_primary) {
      delete geometry.is_primary;
      const text = s.fields.find((f) => f.type === "text");
      if (text) text.is_primary = true;
    }
  }
  return s;
}

/** Column names of a stored file, read cheaply (CSV: the header; xlsx: row 1; JSON: keys of the first rows). */
async function quickHeaders(ctx: ServiceContext, f: StoredFile): Promise<string[]> {
  try {
    if (f.type === "csv") return (await csvHeader(ctx.env.FILES, f.key)).headers;
    const headers: string[] = [];
    // xlsx: the header row comes with the first data row; JSON: keys of the first rows.
    const enough = f.type === "xlsx" ? 1 : SAMPLE_ROWS;
    let n = 0;
    for await (const _ of sourceRows(ctx.env.FILES, f.key, f.type, f.size, headers)) if (++n >= enough) break;
    return headers;
  } catch (e) {
    if (e instanceof BadFileError) throw invalid(["body", "file_uri"], e.message);
    throw e;
  }
}

/**
 * Mappings checked against the file's columns and the recordset's fields: every target is a
 * field, no field is mapped twice; sources must be columns of CSV/xlsx files (JSON keys may
 * appear in later rows). Without mappings: columns whose name is a field's key or name.
 */
function checkMappings(
  fields: FieldDef[],
  headers: string[],
  type: FileType,
  given: Record<string, string> | undefined,
): Record<string, string> {
  const issues: FieldIssue[] = [];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  let mapping: Record<string, string>;
  if (given) {
    mapping = {};
    const used = new Set<string>();
    for (const [col, key] of Object.entries(given)) {
      if (key === "") continue; // "" = skip this column
      if (!byKey.has(key)) issues.push({ loc: ["body", "field_mappings", col], msg: `Unknown field key '${key}'`, type: "value_error" });
      else if (used.has(key))
        issues.push({ loc: ["body", "field_mappings", col], msg: `Field '${key}' is mapped twice`, type: "value_error" });
      if ((type === "csv" || type === "xlsx") && !headers.includes(col)) {
        issues.push({ loc: ["body", "field_mappings", col], msg: `The file has no column '${col}'`, type: "value_error" });
      }
      used.add(key);
      mapping[col] = key;
    }
  } else {
    mapping = {};
    const byName = new Map<string, string>();
    for (const f of fields) {
      byName.set(f.key.toLowerCase(), f.key);
      byName.set(f.name.toLowerCase(), f.key);
    }
    const used = new Set<string>();
    for (const h of headers) {
      const key = byName.get(h.toLowerCase());
      if (key && !used.has(key)) {
        mapping[h] = key;
        used.add(key);
      }
    }
  }
  const mapped = new Set(Object.values(mapping));
  for (const f of fields) {
    if (f.required && !mapped.has(f.key)) {
      issues.push({ loc: ["body", "field_mappings"], msg: `Required field '${f.key}' is not mapped to a column`, type: "value_error" });
    }
  }
  if (issues.length) throw new ServiceError("validation_error", issues.map((i) => i.msg).join("; "), { issues });
  if (Object.keys(mapping).length === 0) {
    throw invalid(["body", "field_mappings"], "No column of the file maps to a field of the recordset");
  }
  return mapping;
}

// ---- start imports ---------------------------------------------------------------------------

interface StartInput {
  recordset: { id: string; slug: string };
  file: StoredFile;
  mapping: Record<string, string>;
  memberId: string;
}

export interface ImportMessage {
  type: typeof IMPORT_MESSAGE;
  request_id: string;
  job_id: string;
  workspace_id: string;
  user_id: string;
  step: "prepare" | "chunks";
  /** chunks: the first chunk this message handles, where it starts (byte offset) and its first row. */
  chunk?: number;
  offset?: number;
  row?: number;
  [key: string]: unknown;
}

async function send(ctx: ServiceContext, jobId: string, message: Record<string, unknown>) {
  await new JobReporter(ctx, jobId).send(ctx.env.IMPORTS_QUEUE, message, () =>
    ctx.db
      .update(importJobs)
      .set({ status: "failed", errorMessage: "The job could not be queued", completedAt: new Date() })
      .where(eq(importJobs.id, jobId)),
  );
}

async function startImport(ctx: ServiceContext, s: StartInput) {
  const scope = scopeOf(ctx);
  const userId = actorUserId(ctx);
  const jobId = await createJob(ctx, { kind: IMPORT_JOB_KIND, userId, workspaceId: scope.id });
  await ctx.db.insert(importJobs).values({
    id: jobId,
    jobType: "import",
    status: "queued",
    recordsetId: s.recordset.id,
    createdByMemberId: s.memberId,
    createdByUserId: userId,
    fileKey: s.file.key,
    fileName: s.file.name,
    fileType: s.file.type,
    fileSize: s.file.size,
    fieldMappings: s.mapping,
    message: "Queued",
  });
  const message: ImportMessage = {
    type: IMPORT_MESSAGE,
    request_id: ctx.requestId,
    job_id: jobId,
    workspace_id: scope.id,
    user_id: userId,
    step: "prepare",
  };
  await send(ctx, jobId, message);
  await recordActivity(ctx, {
    type: "recordset.import_started",
    subjectType: "recordset",
    subjectId: s.recordset.id,
    summary: `Started importing ${s.file.name}`,
    data: { job_id: jobId, recordset_id: s.recordset.id, file_name: s.file.name },
  });
  return {
    job_id: jobId,
    status: "QUEUED" as const,
    recordset_id: s.recordset.id,
    recordset_slug: s.recordset.slug,
    status_url: JOB_PATH(jobId),
    message: "Import started; you will be notified when it finishes",
  };
}

/** POST /recordsets/import: needs can_create_recordset; everything is checked before anything is written. */
export async function createRecordsetAndImport(ctx: ServiceContext, input: CreateAndImportBody) {
  const scope = scopeOf(ctx);
  await requirePermission(ctx, "can_create_recordset");
  const file = await storedFile(ctx, uploadKeyOf(scope.id, input.file_uri));
  let fields = input.fields as FieldDef[] | undefined;
  let headers: string[];
  let mapping = input.field_mappings;
  if (!fields) {
    const a = await analyseStored(ctx, file.key, { discardOnFailure: false, fileType: file.type });
    fields = a.suggested_fields;
    headers = a.headers;
    mapping ??= a.suggested_mappings;
  } else headers = await quickHeaders(ctx, file);
  const keys = new Set<string>();
  fields.forEach((f, i) => {
    if (keys.has(f.key)) throw invalid(["body", "fields", i, "key"], `Duplicate field key '${f.key}'`);
    keys.add(f.key);
  });
  const checked = checkMappings(fields, headers, file.type, mapping);
  const rs = await createRecordset({
    ctx,
    input: {
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.icon !== undefined ? { icon: input.icon } : {}),
      ...(input.color !== undefined ? { color: input.color } : {}),
      type: input.type ?? "custom",
      mode: input.mode ?? (file.type === "geojson" ? "map" : "table"),
      fields,
    },
  });
  const me = await currentMember(ctx);
  // The recordsets module may normalise the definitions; the mapping follows the stored keys.
  const stored = new Set(rs.fields.map((f) => f.key));
  const finalMapping = Object.fromEntries(Object.entries(checked).filter(([, k]) => stored.has(k)));
  return startImport(ctx, { recordset: rs, file, mapping: finalMapping, memberId: me.id });
}

/** POST /import/recordsets/{recordset_id}: needs can_create on the recordset (404 when invisible). */
export async function importIntoRecordset(ctx: ServiceContext, recordsetId: string, input: ImportIntoBody) {
  const scope = scopeOf(ctx);
  const { recordset } = await getRecordsetForActor(ctx, recordsetId, "can_create");
  if (recordset.isIntegration) throw new ServiceError("conflict", "Integration recordsets are read-only");
  const file = await storedFile(ctx, uploadKeyOf(scope.id, input.file_uri));
  const headers = await quickHeaders(ctx, file);
  const mapping = checkMappings(recordset.fields, headers, file.type, input.field_mappings);
  const me = await currentMember(ctx);
  return startImport(ctx, { recordset, file, mapping, memberId: me.id });
}

// ---- exports ---------------------------------------------------------------------------------

export interface ExportMessage {
  type: typeof EXPORT_MESSAGE;
  request_id: string;
  job_id: string;
  workspace_id: string;
  user_id: string;
  fields?: string[] | undefined;
  status?: "active" | "archived" | undefined;
  [key: string]: unknown;
}

/** POST /recordsets/export: needs can_view on the recordset; the CSV is written by the queue consumer. */
export async function startExport(ctx: ServiceContext, input: ExportBody) {
  const scope = scopeOf(ctx);
  const { recordset } = await getRecordsetForActor(ctx, input.recordset_id, "can_view");
  const keys = new Set(recordset.fields.map((f) => f.key));
  input.fields?.forEach((k, i) => {
    if (!keys.has(k)) throw invalid(["body", "fields", i], `Unknown field key '${k}'`);
  });
  const userId = actorUserId(ctx);
  const me = await currentMember(ctx);
  const jobId = await createJob(ctx, { kind: EXPORT_JOB_KIND, userId, workspaceId: scope.id });
  const fileName = `${recordset.slug}-${new Date().toISOString().slice(0, 10)}.csv`;
  await ctx.db.insert(importJobs).values({
    id: jobId,
    jobType: "export",
    status: "queued",
    recordsetId: recordset.id,
    createdByMemberId: me.id,
    createdByUserId: userId,
    fileName,
    fileType: "csv",
    message: "Queued",
  });
  const message: ExportMessage = {
    type: EXPORT_MESSAGE,
    request_id: ctx.requestId,
    job_id: jobId,
    workspace_id: scope.id,
    user_id: userId,
    fields: input.fields,
    status: input.status,
  };
  await send(ctx, jobId, message);
  return {
    job_id: jobId,
    status: "QUEUED" as const,
    recordset_id: recordset.id,
    status_url: JOB_PATH(jobId),
    message: "Export started; you will be notified when it is ready",
  };
}

// ---- jobs ------------------------------------------------------------------------------------

const isAdmin = (ctx: ServiceContext) => ctx.workspace?.role === "owner" || ctx.workspace?.role === "admin";

/** Members see their own jobs; workspace owners and admins see everyone's. */
function visible(ctx: ServiceContext): SQL | undefined {
  return isAdmin(ctx) ? undefined : eq(importJobs.createdByUserId, actorUserId(ctx));
}

async function jobOf(ctx: ServiceContext, jobId: string): Promise<JobRow> {
  scopeOf(ctx);
  if (!isUuid(jobId)) throw notFound("Job");
  const [row] = await ctx.db
    .select()
    .from(importJobs)
    .where(and(eq(importJobs.id, jobId), visible(ctx)))
    .limit(1);
  if (!row) throw notFound("Job");
  return row;
}

export async function listJobs(ctx: ServiceContext, q: ListJobsQuery) {
  scopeOf(ctx);
  const statuses: ImportJobStatus[] | undefined = q.status === "processing" ? ["running"] : q.status ? [q.status] : undefined;
  const where = and(
    visible(ctx),
    q.job_type ? eq(importJobs.jobType, q.job_type) : undefined,
    statuses ? inArray(importJobs.status, statuses) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(importJobs)
      .where(where)
      .orderBy(desc(importJobs.createdAt), desc(importJobs.id))
      .limit(q.page_size)
      .offset((q.page - 1) * q.page_size),
    ctx.db.select({ n: count() }).from(importJobs).where(where),
  ]);
  const n = total?.n ?? 0;
  return {
    jobs: await Promise.all(rows.map((r) => toJobJson(ctx.env, r))),
    total: n,
    page: q.page,
    page_size: q.page_size,
    has_more: q.page * q.page_size < n,
  };
}

export async function getImportJob(ctx: ServiceContext, jobId: string) {
  return toJobJson(ctx.env, await jobOf(ctx, jobId));
}

export async function legacyStatus(ctx: ServiceContext, jobId: string) {
  const j = await jobOf(ctx, jobId);
  return {
    job_id: j.id,
    status: apiStatus(j.status),
    progress: j.progress,
    total_rows: j.totalRows,
    processed_rows: j.processedRows,
    imported_rows: j.importedRows,
    error_rows: j.errorRows,
    message: j.message,
    error_message: j.errorMessage,
  };
}

/** Marks jobs cancelled at once; a running consumer sees it before its next batch and stops. */
async function markCancelled(ctx: ServiceContext, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .update(importJobs)
    .set({ status: "cancelled", message: "Cancelled", completedAt: new Date() })
    .where(and(inArray(importJobs.id, ids), inArray(importJobs.status, ACTIVE_IMPORT_STATUSES)))
    .returning({ id: importJobs.id, progress: importJobs.progress });
  // The live stream ends too (its terminal statuses are COMPLETED and FAILED; step says why).
  await Promise.all(
    rows.map((r) =>
      new JobReporter(ctx, r.id)
        .update({ status: "FAILED", progress: r.progress, step: "cancelled", message: "Cancelled", error: "Cancelled by the user" })
        .catch(() => {}),
    ),
  );
  return rows.map((r) => r.id);
}

export async function cancelJob(ctx: ServiceContext, jobId: string) {
  const j = await jobOf(ctx, jobId);
  if (!ACTIVE_IMPORT_STATUSES.includes(j.status)) {
    throw new ServiceError("conflict", `The job is already ${j.status}`);
  }
  const done = await markCancelled(ctx, [j.id]);
  if (done.length === 0) {
    const [now] = await ctx.db.select({ status: importJobs.status }).from(importJobs).where(eq(importJobs.id, j.id));
    throw new ServiceError("conflict", `The job is already ${now?.status ?? "finished"}`);
  }
  return { job_id: j.id, status: "CANCELLED" as const, message: "Cancellation requested; the job stops before its next batch" };
}

export async function cancelAllJobs(ctx: ServiceContext) {
  scopeOf(ctx);
  const rows = await ctx.db
    .select({ id: importJobs.id })
    .from(importJobs)
    .where(and(visible(ctx), inArray(importJobs.status, ACTIVE_IMPORT_STATUSES)));
  const ids = await markCancelled(
    ctx,
    rows.map((r) => r.id),
  );
  return { cancelled: ids.length, job_ids: ids };
}

/** Deletes a finished job with its files (error report, normalised rows, export); active jobs are a 409. */
export async function deleteJob(ctx: ServiceContext, jobId: string) {
  const scope = scopeOf(ctx);
  const j = await jobOf(ctx, jobId);
  if (ACTIVE_IMPORT_STATUSES.includes(j.status)) throw new ServiceError("conflict", "Cancel the job before deleting it");
  const deleted = await ctx.db
    .delete(importJobs)
    .where(and(eq(importJobs.id, j.id), inArray(importJobs.status, ["completed", "failed", "cancelled"])))
    .returning({ id: importJobs.id });
  if (deleted.length === 0) throw new ServiceError("conflict", "The job is running again; cancel it first");
  const keys = [errorReportKey(scope.id, j.id), `imports/${scope.id}/jobs/${j.id}/rows.ndjson`];
  if (j.jobType === "export" && j.reportKey) keys.push(j.reportKey);
  await ctx.env.FILES.delete(keys);
}

/** GET /import/jobs/{id}/report-url: a fresh signed link (24 h) to the error report. */
export async function reportUrl(ctx: ServiceContext, jobId: string) {
  const j = await jobOf(ctx, jobId);
  if (j.jobType !== "import" || !j.reportKey || j.errorRows === 0) {
    throw notFound(j.status === "completed" ? "Error report (the import had no errors)" : "Error report");
  }
  const s = await signReportUrl(ctx.env, j.id);
  return { job_id: j.id, report_url: s.url, expires_at: s.expires_at, error_rows: j.errorRows };
}

/**
 * GET /import/error-report/{job_id}?exp&sig (public): the signature is checked first (403), then
 * the job is found through the control database's jobs row and the CSV streamed from R2.
 */
export async function downloadErrorReport(ctx: ServiceContext, jobId: string, q: { exp: number; sig: string }) {
  await verifySigned("report", ctx.env, jobId, q.exp, q.sig);
  const job = await getJob(ctx, jobId, IMPORT_JOB_KIND);
  if (!job.workspaceId) throw notFound("Error report");
  const obj = await ctx.env.FILES.get(errorReportKey(job.workspaceId, jobId));
  if (!obj) throw notFound("Error report");
  return {
    body: obj.body,
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-length": String(obj.size),
      "content-disposition": `attachment; filename="import-errors-${jobId.slice(0, 8)}.csv"`,
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  };
}
