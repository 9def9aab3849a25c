import { and, asc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { QueueMessage } from "../../../queues";
import { chunksOf, R2BytesWriter, R2TextSink, readFrom } from "../../platform/bytes";
import type { ServiceContext } from "../../platform/context";
import { enqueueEmail } from "../../platform/email/outbox";
import { isServiceError, ServiceError } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { JobReporter } from "../../platform/jobs/service";
import { resolveWorkspace } from "../../platform/tenancy/resolve";
import { members } from "../members/tables";
import { notify } from "../notifications/service";
import { notifications } from "../notifications/tables";
import { geoColumns } from "../records/service/write";
import { records } from "../records/tables";
import { type FieldDef, promotedColumns } from "../recordsets/fields";
import { recordsets } from "../recordsets/tables";
import { BadFileError, csvHeader, csvRecords, sourceRows } from "./formats";
import { csvLine } from "./formats/csv";
import { coerceRow } from "./infer";
import {
  EXPORT_MESSAGE,
  errorReportKey,
  exportKey,
  IMPORT_MESSAGE,
  JOB_PATH,
  type JobRow,
  jobDataKey,
  REPORT_URL_TTL_SECONDS,
  signReportUrl,
} from "./internal";
import type { ImportMessage } from "./service";
import { type ImportRowError, importChunks, importJobs } from "./tables";

/** Rows per chunk: one INSERT statement (records, versions, ledger, counts) and one progress event. */
export const CHUNK_ROWS = 2000;
/**
 * A message goes on for several chunks (one R2 read, one connection) and then hands over to a
 * continuation message, so a long import never runs into the consumer's time limits. Every
 * chunk is committed with its ledger row, so a redelivered message skips what is done.
 */
const MAX_CHUNKS_PER_MESSAGE = 50;
const TIME_BUDGET_MS = 20_000;
/** Errors kept per chunk in the ledger and in the report (a file of only bad rows still reports every row). */
const MAX_ERRORS_PER_CHUNK = CHUNK_ROWS * 4;

const ImportMessageSchema = z.object({
  type: z.literal(IMPORT_MESSAGE),
  request_id: z.string().optional(),
  job_id: z.uuid(),
  workspace_id: z.uuid(),
  user_id: z.uuid(),
  step: z.enum(["prepare", "chunks"]),
  chunk: z.number().int().min(0).optional(),
  offset: z.number().int().min(0).optional(),
  row: z.number().int().min(1).optional(),
});

const ExportMessageSchema = z.object({
  type: z.literal(EXPORT_MESSAGE),
  request_id: z.string().optional(),
  job_id: z.uuid(),
  workspace_id: z.uuid(),
  user_id: z.uuid(),
  fields: z.array(z.string()).optional(),
  status: z.enum(["active", "archived"]).optional(),
});

const FINISHED = new Set(["completed", "failed", "cancelled"]);

/** Binds the workspace's database as the job's owner; a workspace or member that is gone ends the job. */
async function bind(ctx: ServiceContext, jobId: string, workspaceId: string, userId: string): Promise<boolean> {
  try {
    await resolveWorkspace(ctx, workspaceId, userId);
    return true;
  } catch (e) {
    if (isServiceError(e) && e.code === "not_found") {
      await new JobReporter(ctx, jobId)
        .update({ status: "FAILED", progress: 0, step: "failed", message: "The workspace or its member is gone", error: "not_found" })
        .catch(() => {});
      return false;
    }
    throw e;
  }
}

async function loadJob(ctx: ServiceContext, jobId: string): Promise<JobRow | undefined> {
  const [job] = await ctx.db.select().from(importJobs).where(eq(importJobs.id, jobId)).limit(1);
  return job;
}

async function failJob(ctx: ServiceContext, job: JobRow, message: string): Promise<void> {
  const rows = await ctx.db
    .update(importJobs)
    .set({ status: "failed", errorMessage: message, message: "Failed", completedAt: new Date() })
    .where(and(eq(importJobs.id, job.id), inArray(importJobs.status, ["queued", "running", "pending"])))
    .returning({ id: importJobs.id });
  if (rows.length === 0) return;
  await new JobReporter(ctx, job.id).update({ status: "FAILED", progress: job.progress, step: "failed", message, error: message });
  await notifyOwner(ctx, job, {
    title: `${job.jobType === "import" ? "Import" : "Export"} of ${job.fileName ?? "a file"} failed`,
    body: message,
    data: { job_id: job.id, status: "failed", error_message: message },
  });
}

/** Runs `f`; a bad file or a non-retryable error fails the job, anything else goes back to the queue. */
async function guarded(ctx: ServiceContext, job: JobRow, f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (e instanceof BadFileError) return failJob(ctx, job, e.message);
    if (isServiceError(e) && !e.retryable) return failJob(ctx, job, e.message);
    throw e;
  }
}

// ---- imports ---------------------------------------------------------------------------------

/** The IMPORTS_QUEUE consumer of `recordset.import`: prepare (read the header / normalise), then chunks. */
export async function runImportMessage(ctx: ServiceContext, body: QueueMessage): Promise<void> {
  const parsed = ImportMessageSchema.safeParse(body);
  if (!parsed.success) throw new ServiceError("validation_error", `Malformed ${IMPORT_MESSAGE} message: ${parsed.error.message}`);
  const m = parsed.data;
  if (!(await bind(ctx, m.job_id, m.workspace_id, m.user_id))) return;
  const job = await loadJob(ctx, m.job_id);
  if (job?.jobType !== "import" || job.createdByUserId !== m.user_id) return; // deleted, or not this job
  if (FINISHED.has(job.status)) return;
  await guarded(ctx, job, () =>
    m.step === "prepare"
      ? prepare(ctx, job, m.workspace_id)
      : runChunks(ctx, job, { ...m, chunk: m.chunk ?? 0, offset: m.offset ?? job.dataOffset ?? 0, row: m.row ?? 1 }),
  );
}

/**
 * CSV: reads the header (columns, delimiter, where data starts). xlsx, JSON, GeoJSON: streams the
 * file once into NDJSON (one row per line), so chunks can start at any byte offset. Then the first
 * chunks message. Redelivery redoes this step and overwrites the same object.
 */
async function prepare(ctx: ServiceContext, job: JobRow, workspaceId: string): Promise<void> {
  const reporter = new JobReporter(ctx, job.id);
  const now = new Date();
  await ctx.db
    .update(importJobs)
    .set({ status: "running", startedAt: now, message: "Reading the file" })
    .where(and(eq(importJobs.id, job.id), inArray(importJobs.status, ["queued", "running"])));
  await reporter.update({ status: "RUNNING", progress: 0, step: "reading", message: "Reading the file" });
  const key = job.fileKey as string;
  const head = await ctx.env.FILES.head(key);
  if (!head) throw new BadFileError("The uploaded file is gone (uploads are kept for a limited time)");
  let set: Partial<typeof importJobs.$inferInsert>;
  if (job.fileType === "csv") {
    const h = await csvHeader(ctx.env.FILES, key);
    set = { headers: h.headers, dataKey: key, dataOffset: h.dataOffset, dataSize: head.size, result: { delimiter: h.delimiter } };
  } else {
    const headers: string[] = [];
    const out = new R2TextSink(
      new R2BytesWriter(ctx.env.FILES, jobDataKey(workspaceId, job.id), { httpMetadata: { contentType: "application/x-ndjson" } }),
    );
    let n = 0;
    try {
      for await (const row of sourceRows(ctx.env.FILES, key, job.fileType ?? "csv", head.size, headers)) {
        await out.write(`${JSON.stringify(row.error ? { __error: row.error } : row.values)}\n`);
        n++;
        if (n % 10_000 === 0) {
          if (await cancelled(ctx, job.id)) {
            await out.out.abort();
            return;
          }
          await reporter.update({ status: "RUNNING", progress: 0, step: "reading", message: `Read ${n} rows` });
        }
      }
      await out.finish();
    } catch (e) {
      await out.out.abort();
      throw e;
    }
    set = { headers, dataKey: jobDataKey(workspaceId, job.id), dataOffset: 0, dataSize: out.out.size, totalRows: n };
  }
  const updated = await ctx.db
    .update(importJobs)
    .set({ ...set, message: "Importing rows" })
    .where(and(eq(importJobs.id, job.id), eq(importJobs.status, "running")))
    .returning();
  const next = updated[0];
  if (!next) return; // cancelled meanwhile
  await ctx.env.IMPORTS_QUEUE.send(chunkMessage(next, workspaceId, 0, next.dataOffset ?? 0, 1));
}

const chunkMessage = (job: JobRow, workspaceId: string, chunk: number, offset: number, row: number): ImportMessage => ({
  type: IMPORT_MESSAGE,
  request_id: uuidv7(),
  job_id: job.id,
  workspace_id: workspaceId,
  user_id: job.createdByUserId,
  step: "chunks",
  chunk,
  offset,
  row,
});

async function cancelled(ctx: ServiceContext, jobId: string): Promise<boolean> {
  const [r] = await ctx.db.select({ status: importJobs.status }).from(importJobs).where(eq(importJobs.id, jobId));
  return r?.status !== "running";
}

/** A source row (as text cells or JSON values) and the byte offset just after it. */
interface Src {
  values: Record<string, unknown> | null;
  error?: string;
  end: number;
}

const dec = new TextDecoder();

/** NDJSON lines from `offset` (the normalised rows of xlsx/JSON/GeoJSON). */
async function* ndjsonRows(bucket: R2Bucket, key: string, offset: number): AsyncGenerator<Src> {
  const body = await readFrom(bucket, key, offset);
  if (!body) throw new BadFileError("The import's working file is gone");
  let carry = new Uint8Array(0);
  let at = offset;
  for await (const chunk of chunksOf(body)) {
    const buf = carry.length ? new Uint8Array(carry.length + chunk.length) : chunk;
    if (carry.length) {
      buf.set(carry);
      buf.set(chunk, carry.length);
    }
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      const o = JSON.parse(dec.decode(buf.subarray(start, nl))) as Record<string, unknown>;
      at += nl + 1 - start;
      start = nl + 1;
      yield typeof o.__error === "string" ? { values: null, error: o.__error, end: at } : { values: o, end: at };
    }
    carry = buf.slice(start);
  }
}

async function* csvRows(bucket: R2Bucket, job: JobRow, offset: number): AsyncGenerator<Src> {
  const headers = job.headers ?? [];
  const delimiter = Number(job.result?.delimiter ?? 0x2c);
  for await (const r of csvRecords(bucket, job.dataKey as string, offset, delimiter)) {
    const values: Record<string, unknown> = {};
    for (let i = 0; i < headers.length; i++) values[headers[i] as string] = r.fields[i] ?? "";
    yield { values, end: r.end };
  }
}

interface Prepared {
  id: string;
  vid: string;
  r: number;
  v: Record<string, unknown>;
  t: string | null;
  s: string;
  g: Record<string, unknown> | null;
  lng: number | null;
  lat: number | null;
  x1: number | null;
  y1: number | null;
  x2: number | null;
  y2: number | null;
}

/** Maps and coerces one row: either a record to insert or the row's errors (a bad row is skipped whole). */
function prepareRow(
  fields: FieldDef[],
  plan: [string, FieldDef][],
  src: Src,
  rowNo: number,
): { rec?: Prepared; errors?: ImportRowError[] } {
  if (!src.values) return { errors: [{ row: rowNo, column: null, reason: src.error ?? "Unreadable row" }] };
  const { values, errors } = coerceRow(plan, src.values, rowNo);
  if (errors.length) return { errors };
  const p = promotedColumns(fields, values);
  const g = geoColumns(fields, values);
  return {
    rec: {
      id: uuidv7(),
      vid: uuidv7(),
      r: rowNo,
      v: values,
      t: p.title,
      s: p.searchText,
      g: g.geometry,
      lng: g.lng,
      lat: g.lat,
      x1: g.minLng,
      y1: g.minLat,
      x2: g.maxLng,
      y2: g.maxLat,
    },
  };
}

interface ChunkWrite {
  chunk: number;
  startOffset: number;
  endOffset: number;
  startRow: number;
  rows: number;
  recs: Prepared[];
  errorRows: number;
  errors: ImportRowError[];
  progress: number;
}

/**
 * One statement per chunk, so it is all or nothing: the records (ON CONFLICT (import_job_id,
 * import_row) DO NOTHING), their version 1, the ledger row, record_count + the rows actually
 * inserted, and the job's counters (only when the ledger row is new). Nothing is inserted once
 * the job is no longer running (cancelled). Returns the job status seen and whether the chunk was new.
 */
async function writeChunk(ctx: ServiceContext, job: JobRow, w: ChunkWrite) {
  const member = job.createdByMemberId;
  const result = await ctx.db.execute<{ status: string | null; inserted: number; fresh: boolean }>(sql`
    with j as (select status from import_jobs where id = ${job.id}),
    input as (
      select * from jsonb_to_recordset(${JSON.stringify(w.recs)}::jsonb) as x(
        id uuid, vid uuid, r int, v jsonb, t text, s text, g jsonb,
        lng float8, lat float8, x1 float8, y1 float8, x2 float8, y2 float8)
    ),
    ins as (
      insert into records (id, recordset_id, field_values, title, search_text, import_job_id, import_row,
        geometry, lng, lat, min_lng, min_lat, max_lng, max_lat, created_by_member_id, updated_by_member_id)
      select id, ${job.recordsetId}::uuid, v, t, s, ${job.id}::uuid, r, g, lng, lat, x1, y1, x2, y2, ${member}::uuid, ${member}::uuid
      from input where (select status from j) = 'running'
      on conflict (import_job_id, import_row) do nothing
      returning id, field_values
    ),
    ver as (
      insert into record_versions (id, record_id, version, field_values, status, change_type, changed_by_member_id)
      select input.vid, ins.id, 1, ins.field_values, 'active', 'create', ${member}::uuid
      from ins join input on input.id = ins.id
    ),
    n as (select count(*)::int as n from ins),
    led as (
      insert into import_chunks (job_id, chunk, start_offset, end_offset, start_row, rows, inserted, error_rows, errors)
      select ${job.id}::uuid, ${w.chunk}, ${w.startOffset}, ${w.endOffset}, ${w.startRow}, ${w.rows}, n.n, ${w.errorRows},
        ${JSON.stringify(w.errors.slice(0, MAX_ERRORS_PER_CHUNK))}::jsonb
      from n where (select status from j) = 'running'
      on conflict (job_id, chunk) do nothing
      returning 1
    ),
    cnt as (
      update recordsets set record_count = record_count + (select n from n)
      where id = ${job.recordsetId}::uuid and (select n from n) > 0
    ),
    ju as (
      update import_jobs set processed_rows = processed_rows + ${w.rows}, imported_rows = imported_rows + (select n from n),
        error_rows = error_rows + ${w.errorRows}, progress = greatest(progress, ${w.progress}),
        message = ${`Imported rows up to ${w.startRow + w.rows - 1}`}, updated_at = now()
      where id = ${job.id} and exists (select 1 from led)
    )
    select (select status from j) as status, (select n from n) as inserted, exists (select 1 from led) as fresh`);
  const row = result.rows[0];
  return { status: row?.status ?? null, inserted: Number(row?.inserted ?? 0), fresh: row?.fresh === true };
}

async function runChunks(ctx: ServiceContext, job: JobRow, m: { workspace_id: string; chunk: number; offset: number; row: number }) {
  const reporter = new JobReporter(ctx, job.id);
  const [rs] = await ctx.db
    .select()
    .from(recordsets)
    .where(eq(recordsets.id, job.recordsetId as string));
  if (!rs) throw new BadFileError("The recordset was deleted");
  const byKey = new Map(rs.fields.map((f) => [f.key, f]));
  const plan: [string, FieldDef][] = Object.entries(job.fieldMappings ?? {}).flatMap(([col, key]) => {
    const f = byKey.get(key);
    return f ? [[col, f] as [string, FieldDef]] : [];
  });
  if (plan.length === 0) throw new BadFileError("None of the mapped fields exists in the recordset any more");
  const dataSize = job.dataSize ?? 0;

  // Skip what the ledger says is done (a redelivered or duplicate message).
  const done = await ctx.db
    .select({ chunk: importChunks.chunk, endOffset: importChunks.endOffset, startRow: importChunks.startRow, rows: importChunks.rows })
    .from(importChunks)
    .where(and(eq(importChunks.jobId, job.id), gt(importChunks.chunk, m.chunk - 1)))
    .orderBy(asc(importChunks.chunk));
  let { chunk, offset, row } = m;
  for (const d of done) {
    if (d.chunk !== chunk) break;
    offset = d.endOffset;
    row = d.startRow + d.rows;
    chunk++;
  }
  if (offset >= dataSize) return finalize(ctx, job, m.workspace_id);

  const started = Date.now();
  let chunksDone = 0;
  const source = job.fileType === "csv" ? csvRows(ctx.env.FILES, job, offset) : ndjsonRows(ctx.env.FILES, job.dataKey as string, offset);
  let recs: Prepared[] = [];
  let errors: ImportRowError[] = [];
  let errorRows = 0;
  let rows = 0;
  let chunkStart = offset;

  const flush = async (endOffset: number): Promise<"go" | "stop"> => {
    const w = await writeChunk(ctx, job, {
      chunk,
      startOffset: chunkStart,
      endOffset,
      startRow: row,
      rows,
      recs,
      errorRows,
      errors,
      progress: Math.min(99, Math.floor((100 * endOffset) / Math.max(dataSize, 1))),
    });
    if (w.status !== "running") return "stop"; // cancelled (or failed) meanwhile: nothing was written
    const progress = Math.min(99, Math.floor((100 * endOffset) / Math.max(dataSize, 1)));
    row += rows;
    chunk++;
    chunkStart = endOffset;
    recs = [];
    errors = [];
    errorRows = 0;
    rows = 0;
    chunksDone++;
    await reporter.update({
      status: "RUNNING",
      progress,
      step: "importing",
      message: `Processed ${row - 1} rows`,
      result: { processed_rows: row - 1 },
    });
    // Another delivery already did this chunk: it is ahead of us and carries on; stop here.
    if (!w.fresh) return "stop";
    return "go";
  };

  for await (const src of source) {
    const r = prepareRow(rs.fields, plan, src, row + rows);
    rows++;
    if (r.rec) recs.push(r.rec);
    else if (r.errors) {
      errorRows++;
      errors.push(...r.errors);
    }
    if (rows >= CHUNK_ROWS) {
      if ((await flush(src.end)) === "stop") return;
      if (chunksDone >= MAX_CHUNKS_PER_MESSAGE || Date.now() - started > TIME_BUDGET_MS) {
        if (chunkStart >= dataSize) break;
        await ctx.env.IMPORTS_QUEUE.send(chunkMessage(job, m.workspace_id, chunk, chunkStart, row));
        return;
      }
    }
  }
  if (rows > 0 && (await flush(dataSize)) === "stop") return;
  if (rows === 0 && chunkStart < dataSize) {
    // Trailing blank lines after the last full chunk: close the ledger at the end of the file.
    await writeChunk(ctx, job, {
      chunk,
      startOffset: chunkStart,
      endOffset: dataSize,
      startRow: row,
      rows: 0,
      recs: [],
      errorRows: 0,
      errors: [],
      progress: 99,
    });
  }
  await finalize(ctx, job, m.workspace_id);
}

/**
 * Totals from the ledger (exact whatever was redelivered), the error report (row, column,
 * reason) streamed to R2, COMPLETED once (the status update is the latch), then the notification
 * and the email.
 */
async function finalize(ctx: ServiceContext, job: JobRow, workspaceId: string): Promise<void> {
  const [sum] = await ctx.db
    .select({
      rows: sql<number>`coalesce(sum(${importChunks.rows}), 0)::int`,
      inserted: sql<number>`coalesce(sum(${importChunks.inserted}), 0)::int`,
      errorRows: sql<number>`coalesce(sum(${importChunks.errorRows}), 0)::int`,
    })
    .from(importChunks)
    .where(eq(importChunks.jobId, job.id));
  const totals = { rows: Number(sum?.rows ?? 0), inserted: Number(sum?.inserted ?? 0), errorRows: Number(sum?.errorRows ?? 0) };
  let reportKey: string | null = null;
  const sample: ImportRowError[] = [];
  if (totals.errorRows > 0) {
    reportKey = errorReportKey(workspaceId, job.id);
    const out = new R2TextSink(
      new R2BytesWriter(ctx.env.FILES, reportKey, {
        httpMetadata: { contentType: "text/csv; charset=utf-8" },
        customMetadata: { job_id: job.id },
      }),
    );
    try {
      await out.write(csvLine(["row", "column", "value", "reason"]));
      let after = -1;
      for (;;) {
        const page = await ctx.db
          .select({ chunk: importChunks.chunk, errors: importChunks.errors })
          .from(importChunks)
          .where(and(eq(importChunks.jobId, job.id), gt(importChunks.chunk, after), gt(importChunks.errorRows, 0)))
          .orderBy(asc(importChunks.chunk))
          .limit(20);
        if (page.length === 0) break;
        for (const p of page) {
          for (const e of p.errors) {
            if (sample.length < 20) sample.push(e);
            await out.write(csvLine([e.row, e.column ?? "", e.value ?? "", e.reason]));
          }
          after = p.chunk;
        }
      }
      await out.finish();
    } catch (e) {
      await out.out.abort();
      throw e;
    }
  }
  const message = `Imported ${totals.inserted} of ${totals.rows} rows${totals.errorRows ? `; ${totals.errorRows} rows had errors` : ""}`;
  const [done] = await ctx.db
    .update(importJobs)
    .set({
      status: "completed",
      progress: 100,
      totalRows: totals.rows,
      processedRows: totals.rows,
      importedRows: totals.inserted,
      errorRows: totals.errorRows,
      reportKey,
      message,
      result: { ...(job.result ?? {}), sample_errors: sample },
      completedAt: new Date(),
    })
    .where(and(eq(importJobs.id, job.id), eq(importJobs.status, "running")))
    .returning();
  if (!done) return;
  const report = reportKey ? await signReportUrl(ctx.env, job.id, REPORT_URL_TTL_SECONDS) : null;
  await new JobReporter(ctx, job.id).update({
    status: "COMPLETED",
    progress: 100,
    step: "completed",
    message,
    result: {
      imported_rows: totals.inserted,
      error_rows: totals.errorRows,
      processed_rows: totals.rows,
      recordset_id: job.recordsetId,
      report_url: report?.url ?? null,
    },
  });
  await notifyOwner(ctx, done, {
    title: `Import of ${job.fileName ?? "your file"} finished`,
    body: message,
    data: {
      job_id: job.id,
      recordset_id: job.recordsetId,
      imported_rows: totals.inserted,
      error_rows: totals.errorRows,
      report_url: report?.url ?? null,
    },
  });
}

/**
 * Tells the job's owner once (notified_at is the latch): an in-app notification (import_completed /
 * export_ready, per their preferences) and, unless that already emailed them, an outbox email.
 * A failure here is logged, never turning a finished job into a failed one.
 */
async function notifyOwner(ctx: ServiceContext, job: JobRow, n: { title: string; body: string; data: Record<string, unknown> }) {
  try {
    const [claim] = await ctx.db
      .update(importJobs)
      .set({ notifiedAt: new Date() })
      .where(and(eq(importJobs.id, job.id), sql`${importJobs.notifiedAt} is null`))
      .returning({ id: importJobs.id });
    if (!claim || !job.createdByMemberId) return;
    const eventType = job.jobType === "import" ? "import_completed" : "export_ready";
    await notify(ctx, {
      recipients: [job.createdByMemberId],
      eventType,
      title: n.title,
      body: n.body,
      link: JOB_PATH(job.id),
      data: n.data,
    });
    const [emailed] = await ctx.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(
        and(
          eq(notifications.recipientMemberId, job.createdByMemberId),
          sql`${notifications.data}->>'job_id' = ${job.id}`,
          sql`${notifications.emailedAt} is not null`,
        ),
      )
      .limit(1);
    if (emailed) return;
    const [member] = await ctx.db.select({ email: members.email }).from(members).where(eq(members.id, job.createdByMemberId));
    if (!member?.email) return;
    const link =
      typeof n.data.report_url === "string" ? n.data.report_url : typeof n.data.download_url === "string" ? n.data.download_url : null;
    await enqueueEmail(ctx.control, {
      to: member.email,
      subject: n.title,
      text: [n.title, "", n.body, ...(link ? ["", `Download: ${link}`, "(the link expires in 24 hours)"] : [])].join("\n"),
      template: job.jobType === "import" ? "import_completed" : "export_ready",
      data: { workspace_id: ctx.workspace?.id ?? null, ...n.data },
    });
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: "import notification failed", job_id: job.id, error: String(e) }));
  }
}

// ---- exports ---------------------------------------------------------------------------------

const EXPORT_PAGE = 2000;

function exportCell(v: unknown): unknown {
  if (Array.isArray(v)) return v.every((x) => typeof x !== "object") ? v.join("; ") : JSON.stringify(v);
  return v;
}

/** The IMPORTS_QUEUE consumer of `recordset.export`: the recordset's records as CSV in R2, page by page. */
export async function runExportMessage(ctx: ServiceContext, body: QueueMessage): Promise<void> {
  const parsed = ExportMessageSchema.safeParse(body);
  if (!parsed.success) throw new ServiceError("validation_error", `Malformed ${EXPORT_MESSAGE} message: ${parsed.error.message}`);
  const m = parsed.data;
  if (!(await bind(ctx, m.job_id, m.workspace_id, m.user_id))) return;
  const job = await loadJob(ctx, m.job_id);
  if (job?.jobType !== "export" || job.createdByUserId !== m.user_id || FINISHED.has(job.status)) return;
  await guarded(ctx, job, async () => {
    const reporter = new JobReporter(ctx, job.id);
    const started = await ctx.db
      .update(importJobs)
      .set({ status: "running", startedAt: new Date(), message: "Exporting" })
      .where(and(eq(importJobs.id, job.id), inArray(importJobs.status, ["queued", "running"])))
      .returning();
    if (started.length === 0) return;
    await reporter.update({ status: "RUNNING", progress: 0, step: "exporting", message: "Exporting" });
    const [rs] = await ctx.db
      .select()
      .from(recordsets)
      .where(eq(recordsets.id, job.recordsetId as string));
    if (!rs) throw new BadFileError("The recordset was deleted");
    const fields = m.fields ? rs.fields.filter((f) => m.fields?.includes(f.key)) : rs.fields;
    const key = exportKey(m.workspace_id, job.id);
    const out = new R2TextSink(
      new R2BytesWriter(ctx.env.FILES, key, {
        httpMetadata: { contentType: "text/csv; charset=utf-8", contentDisposition: `attachment; filename="${job.fileName}"` },
        customMetadata: { job_id: job.id },
      }),
    );
    const total = rs.recordCount;
    let n = 0;
    try {
      await out.write(csvLine(["id", ...fields.map((f) => f.name), "status", "tags", "created_at", "updated_at"]));
      let after: string | null = null;
      for (;;) {
        if (await cancelled(ctx, job.id)) {
          await out.out.abort();
          return;
        }
        const page = await ctx.db
          .select({
            id: records.id,
            values: records.fieldValues,
            status: records.status,
            tags: records.tags,
            createdAt: records.createdAt,
            updatedAt: records.updatedAt,
          })
          .from(records)
          .where(
            and(
              eq(records.recordsetId, rs.id),
              sql`${records.deletedAt} is null`,
              m.status ? eq(records.status, m.status) : ne(records.status, "deleted"),
              after ? gt(records.id, after) : undefined,
            ),
          )
          .orderBy(asc(records.id))
          .limit(EXPORT_PAGE);
        if (page.length === 0) break;
        await out.write(
          page
            .map((r) =>
              csvLine([
                r.id,
                ...fields.map((f) => exportCell(r.values[f.key])),
                r.status,
                r.tags.join("; "),
                r.createdAt.toISOString(),
                r.updatedAt.toISOString(),
              ]),
            )
            .join(""),
        );
        n += page.length;
        after = page[page.length - 1]?.id ?? null;
        await reporter.update({
          status: "RUNNING",
          progress: Math.min(95, Math.floor((95 * n) / Math.max(total, 1))),
          step: "exporting",
          message: `Exported ${n} records`,
        });
      }
      await out.finish();
    } catch (e) {
      await out.out.abort();
      throw e;
    }
    const message = `Exported ${n} records`;
    const [done] = await ctx.db
      .update(importJobs)
      .set({
        status: "completed",
        progress: 100,
        processedRows: n,
        importedRows: n,
        totalRows: n,
        reportKey: key,
        fileSize: out.out.size,
        message,
        result: { rows: n, size_bytes: out.out.size },
        completedAt: new Date(),
      })
      .where(and(eq(importJobs.id, job.id), eq(importJobs.status, "running")))
      .returning();
    if (!done) return;
    await reporter.update({ status: "COMPLETED", progress: 100, step: "completed", message, result: { rows: n, recordset_id: rs.id } });
    await notifyOwner(ctx, done, {
      title: `Your export of ${rs.name} is ready`,
      body: message,
      data: { job_id: job.id, recordset_id: rs.id, rows: n },
    });
  });
}
