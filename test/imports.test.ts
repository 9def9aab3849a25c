import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { count, eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handlers, type QueueMessage, queue } from "../queues";
import { importChunks, importJobs } from "../src/modules/imports/tables";
import { notifications } from "../src/modules/notifications/tables";
import { records } from "../src/modules/records/tables";
import { recordsets } from "../src/modules/recordsets/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, env, type Joined, join, lastEmail, raw, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

// ---- helpers ---------------------------------------------------------------------------------

let owner: SignedUp;
let member: Joined;
let viewer: Joined;
const tenant = <T>(f: (db: Db) => Promise<T>, ws = owner.workspaceId) => withDb(databaseUrl(`ws_${ws.replaceAll("-", "")}`), f);

const as =
  (who: { token: string }, ws = () => owner.workspaceId) =>
  (method: string, path: string, body?: unknown) =>
    call(method, path, { token: who.token, workspace: ws(), ...(body !== undefined ? { body } : {}) });

/** Messages the app sent to IMPORTS_QUEUE (the test pool runs no consumers: tests deliver them). */
let sent: QueueMessage[] = [];
function captureQueue() {
  sent = [];
  vi.spyOn(env.IMPORTS_QUEUE, "send").mockImplementation(async (m: unknown) => {
    sent.push(m as QueueMessage);
    return undefined as never;
  });
}

async function deliver(body: QueueMessage, id = `m-${crypto.randomUUID()}`) {
  const batch = createMessageBatch("atrium-imports", [{ id, timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await queue(batch as never, env, ctx);
  const result = (await getQueueResult(batch, ctx)) as unknown as { explicitAcks: string[]; retryMessages: { msgId: string }[] };
  return { id, acked: result.explicitAcks.includes(id), retried: result.retryMessages.some((m) => m.msgId === id) };
}

/** Delivers captured messages (and the ones they send) until none is left. */
async function drain(max = 50) {
  for (let i = 0; i < max && sent.length; i++) {
    const m = sent.shift() as QueueMessage;
    const r = await deliver(m);
    if (!r.acked) throw new Error(`message ${m.type}/${String(m.step)} was not acked`);
  }
  expect(sent).toEqual([]);
}

async function upload(
  who: { token: string },
  name: string,
  content: string | Uint8Array,
  type = "application/octet-stream",
  ws = owner.workspaceId,
) {
  const form = new FormData();
  form.append("file", new File([content], name, { type }));
  const res = await raw("/api/v1/recordsets/import/upload", {
    method: "POST",
    headers: { authorization: `Bearer ${who.token}`, "x-workspace-id": ws },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const FIELDS = [
  { key: "name", name: "Name", type: "text", required: true },
  { key: "amount", name: "Amount", type: "number" },
  { key: "email", name: "Email", type: "email" },
  { key: "active", name: "Active", type: "boolean" },
  { key: "signup", name: "Signup", type: "date" },
];

/** 10,000 rows: every 1000th has a bad amount, every 1500th a bad email (3 rows have both). */
function bigCsv(rows = 10_000): string {
  const lines = ["Name,Amount,Email,Active,Signup"];
  for (let i = 1; i <= rows; i++) {
    const name = i % 7 === 0 ? `"Person ${i}, ""quoted""\nsecond line"` : `Person ${i}`;
    const amount = i % 1000 === 0 ? "abc" : String(i * 1.5);
    const email = i % 1500 === 0 ? "not-an-email" : `p${i}@example.com`;
    lines.push(`${name},${amount},${email},${i % 2 === 0 ? "yes" : "no"},2024-01-${String((i % 28) + 1).padStart(2, "0")}`);
  }
  return `${lines.join("\r\n")}\r\n`;
}
const BAD_ROWS = 13; // 10 amounts + 6 emails − 3 rows with both
const BAD_CELLS = 16;

function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = "";
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') q = false;
      else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || (ch === "\r" && text[i + 1] === "\n")) {
      if (ch === "\r") i++;
      row.push(field);
      out.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field || row.length) out.push([...row, field]);
  return out;
}

// A minimal .xlsx writer (zip with deflated entries) for the tests.
const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = (crcTable[(c ^ x) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
async function deflate(b: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([b]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}
async function zip(files: Record<string, string>): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = enc.encode(text);
    const comp = await deflate(data);
    const nameB = enc.encode(name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, 8, true);
    local.setUint32(14, crc32(data), true);
    local.setUint32(18, comp.length, true);
    local.setUint32(22, data.length, true);
    local.setUint16(26, nameB.length, true);
    const cd = new DataView(new ArrayBuffer(46));
    cd.setUint32(0, 0x02014b50, true);
    cd.setUint16(4, 20, true);
    cd.setUint16(6, 20, true);
    cd.setUint16(10, 8, true);
    cd.setUint32(16, crc32(data), true);
    cd.setUint32(20, comp.length, true);
    cd.setUint32(24, data.length, true);
    cd.setUint16(28, nameB.length, true);
    cd.setUint32(42, offset, true);
    parts.push(new Uint8Array(local.buffer), nameB, comp);
    central.push(new Uint8Array(cd.buffer), nameB);
    offset += 30 + nameB.length + comp.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, Object.keys(files).length, true);
  end.setUint16(10, Object.keys(files).length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of all) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function xlsxFile(): Promise<Uint8Array> {
  const shared = ["City", "Population", "Founded", "Capital", "Paris", "Lyon", "Nice &amp; Co"];
  const s = (i: number) => `<c t="s"><v>${i}</v></c>`;
  return zip({
    "xl/sharedStrings.xml": `<?xml version="1.0"?><sst count="7">${shared.map((t) => `<si><t>${t}</t></si>`).join("")}</sst>`,
    "xl/styles.xml": `<?xml version="1.0"?><styleSheet><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`,
    "xl/worksheets/sheet1.xml":
      `<?xml version="1.0"?><worksheet><sheetData>` +
      `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>` +
      `<row r="2">${s(4).replace("<c", '<c r="A2"')}<c r="B2"><v>2148000</v></c><c r="C2" s="1"><v>36526</v></c><c r="D2" t="b"><v>1</v></c></row>` +
      `<row r="3">${s(5).replace("<c", '<c r="A3"')}<c r="B3"><v>513000</v></c><c r="C3" s="1"><v>36527</v></c><c r="D3" t="b"><v>0</v></c></row>` +
      `<row r="4">${s(6).replace("<c", '<c r="A4"')}<c r="B4" t="inlineStr"><is><t>many</t></is></c><c r="D4" t="b"><v>0</v></c></row>` +
      `</sheetData></worksheet>`,
  });
}

async function job(jobId: string, who: { token: string } = owner) {
  const r = await as(who)("GET", `/api/v1/recordsets/import/jobs/${jobId}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const recordCount = (recordsetId: string) =>
  tenant(async (db) => {
    const [rs] = await db.select({ n: recordsets.recordCount }).from(recordsets).where(eq(recordsets.id, recordsetId));
    const [c] = await db.select({ n: count() }).from(records).where(eq(records.recordsetId, recordsetId));
    return { stored: rs?.n, actual: c?.n };
  });

const uploadsStored = async (ws = owner.workspaceId) => (await env.FILES.list({ prefix: `imports/${ws}/uploads/` })).objects.length;

beforeAll(async () => {
  owner = await signup();
  [member, viewer] = await Promise.all([join(owner, "member"), join(owner, "viewer")]);
});

afterEach(() => {
  vi.restoreAllMocks();
});

// ---- the big CSV -----------------------------------------------------------------------------

describe("CSV import through the queue", () => {
  let analysis: any;
  let started: any;

  it("registers its consumers", () => {
    expect(handlers.has("recordset.import")).toBe(true);
    expect(handlers.has("recordset.export")).toBe(true);
  });

  it("uploads a 10,000-row CSV, analyses it and suggests field types", async () => {
    const r = await upload(owner, "people.csv", bigCsv(), "text/csv");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    analysis = r.body;
    expect(analysis).toMatchObject({
      file_type: "csv",
      file_name: "people.csv",
      headers: ["Name", "Amount", "Email", "Active", "Signup"],
      total_rows: 10_000,
      // Predicted: with the suggested types, the import rejects these rows (bad values after the sample).
      invalid_rows: BAD_ROWS,
    });
    expect(analysis.invalid_examples).toHaveLength(10);
    expect(analysis.invalid_examples[0]).toEqual({
      row: 1000,
      column: "Amount",
      value: "abc",
      reason: expect.stringMatching(/not a number/),
    });
    expect(analysis.invalid_examples[1]).toMatchObject({ row: 1500, column: "Email", value: "not-an-email" });
    expect(analysis.invalid_examples.map((e: { row: number }) => e.row)).toEqual(
      [...analysis.invalid_examples.map((e: { row: number }) => e.row)].sort((a, b) => a - b),
    );
    expect(analysis.file_uri).toMatch(new RegExp(`^r2://imports/${owner.workspaceId}/uploads/`));
    const types = Object.fromEntries(analysis.suggested_fields.map((f: any) => [f.name, f.type]));
    // The sample (first 200 rows) has no bad values: numbers, emails, yes/no, dates.
    expect(types).toEqual({ Name: "text", Amount: "number", Email: "email", Active: "boolean", Signup: "date" });
    expect(analysis.suggested_mappings).toEqual({ Name: "name", Amount: "amount", Email: "email", Active: "active", Signup: "signup" });
    expect(analysis.sample_rows).toHaveLength(5);
    expect(analysis.sample_rows[0]).toEqual({
      Name: "Person 1",
      Amount: "1.5",
      Email: "p1@example.com",
      Active: "no",
      Signup: "2024-01-02",
    });
  });

  it("creates a recordset and imports: good rows in, bad rows reported, counts exact", async () => {
    captureQueue();
    const r = await as(owner)("POST", "/api/v1/recordsets/import", { file_uri: analysis.file_uri, name: "People import", fields: FIELDS });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    started = r.body;
    expect(started).toMatchObject({ status: "QUEUED", recordset_slug: "people-import" });
    expect(sent).toHaveLength(1);
    expect((await job(started.job_id)).status).toBe("QUEUED");
    await drain();
    const j = await job(started.job_id);
    expect(j).toMatchObject({
      status: "COMPLETED",
      progress: 100,
      job_type: "import",
      processed_rows: 10_000,
      imported_rows: 10_000 - BAD_ROWS,
      error_rows: BAD_ROWS,
      total_rows: 10_000,
      validation_summary: { total_rows: 10_000, valid_rows: 10_000 - BAD_ROWS, error_rows: BAD_ROWS },
    });
    expect(j.validation_summary.sample_errors[0]).toMatchObject({ row: 1000, column: "Amount" });
    expect(await recordCount(started.recordset_id)).toEqual({ stored: 10_000 - BAD_ROWS, actual: 10_000 - BAD_ROWS });
    // Values were coerced to their types; the quoted multi-line name survived; row numbers kept.
    const [row7] = await tenant((db) =>
      db.select().from(records).where(sql`${records.importJobId} = ${started.job_id} and ${records.importRow} = 7`),
    );
    expect(row7?.fieldValues).toEqual({
      name: 'Person 7, "quoted"\nsecond line',
      amount: 10.5,
      email: "p7@example.com",
      active: false,
      signup: "2024-01-08",
    });
    expect(row7?.title).toBe('Person 7, "quoted"\nsecond line');
    const versions = await tenant((db) =>
      db.execute(
        sql`select count(*)::int as n from record_versions v join records r on r.id = v.record_id where r.import_job_id = ${started.job_id}`,
      ),
    );
    expect(Number(versions.rows[0]?.n)).toBe(10_000 - BAD_ROWS);
  });

  it("writes the error report: exact rows, downloadable through the signed URL without a token", async () => {
    const j = await job(started.job_id);
    expect(j.report_url).toMatch(new RegExp(`/api/v1/recordsets/import/error-report/${started.job_id}\\?exp=\\d+&sig=`));
    const url = new URL(j.report_url);
    const res = await raw(`${url.pathname}${url.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const rows = parseCsv(await res.text());
    // row: data row (1 = first after the header); value: the cell as the file had it.
    expect(rows[0]).toEqual(["row", "column", "value", "reason"]);
    expect(rows.length - 1).toBe(BAD_CELLS);
    const cells = rows.slice(1).map((r) => `${r[0]}:${r[1]}`);
    expect(cells).toContain("3000:Amount");
    expect(cells).toContain("3000:Email");
    expect(cells).toContain("1500:Email");
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(BAD_ROWS);
    expect(rows.find((r) => r[0] === "1000")?.slice(1, 3)).toEqual(["Amount", "abc"]);
    expect(rows.find((r) => r[0] === "1000")?.[3]).toMatch(/not a number/);
    expect(rows.find((r) => r[0] === "1500")?.slice(1, 3)).toEqual(["Email", "not-an-email"]);
  });

  it("refuses a tampered or expired signature (403) and gives fresh URLs on /report-url", async () => {
    const j = await job(started.job_id);
    const url = new URL(j.report_url);
    const sig = url.searchParams.get("sig") as string;
    const exp = url.searchParams.get("exp") as string;
    const tampered = `${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`;
    expect((await raw(`${url.pathname}?exp=${exp}&sig=${tampered}`)).status).toBe(403);
    expect((await raw(`${url.pathname}?exp=${Number(exp) + 60}&sig=${sig}`)).status).toBe(403);
    expect((await raw(`/api/v1/recordsets/import/error-report/${crypto.randomUUID()}?exp=${exp}&sig=${sig}`)).status).toBe(403);
    const fresh = await as(owner)("GET", `/api/v1/recordsets/import/jobs/${started.job_id}/report-url`);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ job_id: started.job_id, error_rows: BAD_ROWS });
    const u2 = new URL(fresh.body.report_url);
    expect((await raw(`${u2.pathname}${u2.search}`)).status).toBe(200);
  });

  it("notifies the owner in-app and by email", async () => {
    const [n] = await tenant((db) => db.select().from(notifications).where(sql`${notifications.data}->>'job_id' = ${started.job_id}`));
    expect(n).toMatchObject({ eventType: "import_completed" });
    expect(n?.body).toMatch(/Imported 9987 of 10000 rows; 13 rows had errors/);
    const mail = await lastEmail(owner.email, "import_completed");
    expect(mail?.textBody).toMatch(/error-report/);
  });

  it("lists, filters and reads the legacy status", async () => {
    const list = await as(owner)("GET", "/api/v1/recordsets/import/jobs?job_type=import&status=completed&page_size=100");
    expect(list.status).toBe(200);
    expect(list.body.jobs.map((j: any) => j.id)).toContain(started.job_id);
    expect(list.body.jobs.every((j: any) => j.status === "COMPLETED" && j.job_type === "import")).toBe(true);
    const none = await as(owner)("GET", "/api/v1/recordsets/import/jobs?job_type=export&status=RUNNING");
    expect(none.body.jobs.map((j: any) => j.id)).not.toContain(started.job_id);
    const legacy = await as(owner)("GET", `/api/v1/recordsets/import/status/${started.job_id}`);
    expect(legacy.body).toMatchObject({
      job_id: started.job_id,
      status: "COMPLETED",
      imported_rows: 10_000 - BAD_ROWS,
      error_rows: BAD_ROWS,
    });
    // A member sees only their own jobs.
    expect((await as(member)("GET", `/api/v1/recordsets/import/jobs/${started.job_id}`)).status).toBe(404);
    expect((await as(member)("GET", "/api/v1/recordsets/import/jobs")).body.jobs).toEqual([]);
  });

  it("survives a crash mid-import: the redelivered message resumes with no duplicates", async () => {
    captureQueue();
    const r = await as(owner)("POST", `/api/v1/recordsets/import/recordsets/${started.recordset_id}`, { file_uri: analysis.file_uri });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const jobId = r.body.job_id as string;
    const before = await recordCount(started.recordset_id);
    await deliver(sent.shift() as QueueMessage); // prepare → the chunks message
    const chunks = sent.shift() as QueueMessage;
    expect(chunks).toMatchObject({ step: "chunks", chunk: 0 });
    // The file's stream breaks after ~300 KB (a worker crash / lost connection mid-message).
    const realGet = env.FILES.get.bind(env.FILES);
    vi.spyOn(env.FILES, "get").mockImplementation((async (key: string, opts?: R2GetOptions) => {
      const obj = await realGet(key, opts as R2GetOptions);
      if (!obj || !("body" in obj)) return obj;
      let seen = 0;
      const reader = (obj.body as ReadableStream<Uint8Array>).getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(c) {
          if (seen > 300_000) return c.error(new Error("connection reset"));
          const { value, done } = await reader.read();
          if (done) return c.close();
          seen += value.length;
          c.enqueue(value);
        },
      });
      return { body, size: obj.size } as never;
    }) as never);
    const crashed = await deliver(chunks);
    expect(crashed.retried).toBe(true);
    vi.mocked(env.FILES.get).mockRestore();
    const mid = await tenant((db) => db.select({ n: count() }).from(importChunks).where(eq(importChunks.jobId, jobId)));
    expect(mid[0]?.n).toBeGreaterThan(0);
    expect(mid[0]?.n).toBeLessThan(5);
    // Redelivery of the same message, twice (the second finds everything done).
    expect((await deliver(chunks)).acked).toBe(true);
    expect((await deliver(chunks)).acked).toBe(true);
    expect(sent).toEqual([]);
    const j = await job(jobId);
    expect(j).toMatchObject({ status: "COMPLETED", processed_rows: 10_000, imported_rows: 10_000 - BAD_ROWS, error_rows: BAD_ROWS });
    const after = await recordCount(started.recordset_id);
    expect(after.actual).toBe((before.actual ?? 0) + 10_000 - BAD_ROWS);
    expect(after.stored).toBe(after.actual);
    const dup = await tenant((db) =>
      db.execute(
        sql`select count(*)::int as n from (select import_row from records where import_job_id = ${jobId} group by import_row having count(*) > 1) d`,
      ),
    );
    expect(Number(dup.rows[0]?.n)).toBe(0);
    const report = parseCsv(await (await raw(new URL(j.report_url).pathname + new URL(j.report_url).search)).text());
    expect(report.length - 1).toBe(BAD_CELLS);
  });

  it("exports the recordset to CSV through the queue, with a signed download URL", async () => {
    captureQueue();
    const r = await as(owner)("POST", "/api/v1/recordsets/export", { recordset_id: started.recordset_slug });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await drain();
    const j = await job(r.body.job_id);
    const { actual } = await recordCount(started.recordset_id);
    expect(j).toMatchObject({ job_type: "export", status: "COMPLETED", processed_rows: actual });
    const u = new URL(j.download_url);
    const res = await raw(`${u.pathname}${u.search}`);
    expect(res.status).toBe(200);
    const rows = parseCsv(await res.text());
    expect(rows[0]).toEqual(["id", "Name", "Amount", "Email", "Active", "Signup", "status", "tags", "created_at", "updated_at"]);
    expect(rows.length - 1).toBe(actual);
    expect(rows.some((x) => x[1] === 'Person 7, "quoted"\nsecond line')).toBe(true);
    // Unknown fields are a 422.
    const bad = await as(owner)("POST", "/api/v1/recordsets/export", { recordset_id: started.recordset_id, fields: ["nope"] });
    expect(bad.status).toBe(422);
  });
});

// ---- other formats ---------------------------------------------------------------------------

describe("xlsx, GeoJSON and JSON", () => {
  it("imports an .xlsx (shared strings, inline strings, booleans, date styles)", async () => {
    const up = await upload(owner, "cities.xlsx", await xlsxFile());
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body).toMatchObject({ file_type: "xlsx", headers: ["City", "Population", "Founded", "Capital"], total_rows: 3 });
    expect(up.body.sample_rows[0]).toEqual({ City: "Paris", Population: "2148000", Founded: "2000-01-01", Capital: "true" });
    captureQueue();
    const fields = [
      { key: "city", name: "City", type: "text" },
      { key: "population", name: "Population", type: "number" },
      { key: "founded", name: "Founded", type: "date" },
      { key: "capital", name: "Capital", type: "boolean" },
    ];
    const r = await as(owner)("POST", "/api/v1/recordsets/import", { file_uri: up.body.file_uri, name: "Cities", fields });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await drain();
    const j = await job(r.body.job_id);
    expect(j).toMatchObject({ status: "COMPLETED", imported_rows: 2, error_rows: 1 });
    const rows = await tenant((db) => db.select().from(records).where(eq(records.recordsetId, r.body.recordset_id)));
    expect(rows.map((x) => x.fieldValues).sort((a, b) => String(a.city).localeCompare(String(b.city)))).toEqual([
      { city: "Lyon", population: 513000, founded: "2000-01-02", capital: false },
      { city: "Paris", population: 2148000, founded: "2000-01-01", capital: true },
    ]);
    expect(j.validation_summary.sample_errors).toEqual([
      { row: 3, column: "Population", value: "many", reason: expect.stringMatching(/not a number/) },
    ]);
  });

  it("imports GeoJSON into a map recordset with geometry promoted to lng/lat", async () => {
    const fc = {
      type: "FeatureCollection",
      features: [
        { type: "Feature", properties: { name: "A", score: 1 }, geometry: { type: "Point", coordinates: [2.35, 48.85] } },
        { type: "Feature", properties: { name: "B", score: 2 }, geometry: { type: "Point", coordinates: [4.83, 45.76] } },
        {
          type: "Feature",
          properties: { name: "C", score: 3 },
          geometry: {
            type: "Polygon",
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        },
        { type: "Feature", properties: { name: "Bad", score: 4 }, geometry: { type: "Point", coordinates: [200, 95] } },
        { type: "NotAFeature" },
      ],
    };
    const up = await upload(owner, "places.geojson", JSON.stringify(fc), "application/geo+json");
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    // Predicted: the element that is not a Feature, and the point outside WGS84 bounds.
    expect(up.body).toMatchObject({ file_type: "geojson", has_geometry: true, total_rows: 5, invalid_rows: 2 });
    expect(up.body.invalid_examples.map((e: { row: number; column: string | null }) => [e.row, e.column])).toEqual([
      [4, "geometry"],
      [5, null],
    ]);
    expect(up.body.headers).toEqual(["name", "score", "geometry"]);
    captureQueue();
    const r = await as(owner)("POST", "/api/v1/recordsets/import", { file_uri: up.body.file_uri, name: "Places" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await drain();
    const j = await job(r.body.job_id);
    expect(j).toMatchObject({ status: "COMPLETED", imported_rows: 3, error_rows: 2 });
    const [rs] = await tenant((db) => db.select().from(recordsets).where(eq(recordsets.id, r.body.recordset_id)));
    expect(rs?.mode).toBe("map");
    expect(rs?.fields.find((f) => f.key === "geometry")?.type).toBe("geo");
    const rows = await tenant((db) => db.select().from(records).where(eq(records.recordsetId, r.body.recordset_id)));
    const a = rows.find((x) => x.fieldValues.name === "A");
    expect([a?.lng, a?.lat]).toEqual([2.35, 48.85]);
    const c = rows.find((x) => x.fieldValues.name === "C");
    expect([c?.minLng, c?.minLat, c?.maxLng, c?.maxLat]).toEqual([0, 0, 1, 1]);
  });

  it("imports a JSON array of objects; a non-object element is a reported row", async () => {
    const data = [{ title: "One", n: 1, ok: true }, { title: "Two", n: "2", ok: false }, 42, { title: "Four", n: "x", ok: true }];
    const up = await upload(owner, "items.json", JSON.stringify(data), "application/json");
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body).toMatchObject({ file_type: "json", headers: ["title", "n", "ok"], total_rows: 4, invalid_rows: 1 });
    captureQueue();
    const fields = [
      { key: "title", name: "Title", type: "text" },
      { key: "n", name: "N", type: "number" },
      { key: "ok", name: "OK", type: "boolean" },
    ];
    const r = await as(owner)("POST", "/api/v1/recordsets/import", { file_uri: up.body.file_uri, name: "Items", fields });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await drain();
    const j = await job(r.body.job_id);
    expect(j).toMatchObject({ status: "COMPLETED", imported_rows: 2, error_rows: 2 });
    expect(j.validation_summary.sample_errors).toEqual([
      { row: 3, column: null, reason: "The row is not a JSON object" },
      { row: 4, column: "n", value: "x", reason: expect.stringMatching(/not a number/) },
    ]);
  });

  it("a file that turns out broken fails the job clearly (JSON that stops parsing after the sample)", async () => {
    const good = Array.from({ length: 300 }, (_, i) => JSON.stringify({ title: `T${i}` }));
    const text = `[${good.join(",")},{"title": "broken" ]`;
    captureQueue();
    const put = await signedPut("broken.json", text);
    const r = await as(owner)("POST", "/api/v1/recordsets/import", {
      file_uri: put.file_uri,
      name: "Broken",
      fields: [{ key: "title", name: "title", type: "text" }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await drain();
    const j = await job(r.body.job_id);
    expect(j.status).toBe("FAILED");
    expect(j.error_message).toMatch(/not valid JSON/);
    expect((await recordCount(r.body.recordset_id)).actual).toBe(0);
  });
});

async function signedPut(filename: string, content: string) {
  const s = await as(owner)("POST", "/api/v1/recordsets/import/upload/signed-url", { filename, content_type: "text/plain" });
  expect(s.status, JSON.stringify(s.body)).toBe(200);
  const u = new URL(s.body.upload_url);
  const res = await raw(`${u.pathname}${u.search}`, { method: "PUT", headers: { "content-type": "text/plain" }, body: content });
  expect(res.status).toBe(200);
  return { ...(await res.json<any>()), signed: s.body };
}

// ---- signed uploads --------------------------------------------------------------------------

describe("signed upload URL", () => {
  it("accepts one PUT of the file, then analyse works on the file_uri", async () => {
    const put = await signedPut("small.csv", "a,b\n1,foo\n2,bar\n");
    expect(put).toMatchObject({ file_name: "small.csv", size_bytes: 16 });
    expect(put.file_uri).toBe(put.signed.file_uri);
    const a = await as(owner)("POST", "/api/v1/recordsets/import/upload/analyze", { file_uri: put.file_uri });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body).toMatchObject({
      headers: ["a", "b"],
      total_rows: 2,
      suggested_fields: [
        { key: "a", type: "number" },
        { key: "b", type: "text" },
      ],
    });
  });

  it("refuses altered, expired or unsigned PUTs (403)", async () => {
    const s = await as(owner)("POST", "/api/v1/recordsets/import/upload/signed-url", { filename: "x.csv" });
    const u = new URL(s.body.upload_url);
    const other = new URL(u);
    other.searchParams.set("key", `imports/${owner.workspaceId}/uploads/${crypto.randomUUID()}/x.csv`);
    const expired = new URL(u);
    expired.searchParams.set("exp", String(Math.floor(Date.now() / 1000) - 10));
    for (const url of [other, expired]) {
      const res = await raw(`${url.pathname}${url.search}`, { method: "PUT", body: "a\n1\n" });
      expect(res.status).toBe(403);
    }
    const none = await raw("/api/v1/recordsets/import/upload?key=k&exp=1&sig=x", { method: "PUT", body: "a\n" });
    expect(none.status).toBe(403);
  });

  it("refuses unsupported file names (422)", async () => {
    const r = await as(owner)("POST", "/api/v1/recordsets/import/upload/signed-url", { filename: "photo.png" });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "filename"]);
  });
});

// ---- cancel, cancel-all, delete --------------------------------------------------------------

describe("cancel, cancel-all, delete", () => {
  let fileUri: string;
  let recordsetId: string;

  beforeAll(async () => {
    const up = await upload(owner, "cancel.csv", bigCsv(6000), "text/csv");
    fileUri = up.body.file_uri;
    const rs = await as(owner)("POST", "/api/v1/recordsets", { name: "Cancel target", fields: FIELDS });
    expect(rs.status, JSON.stringify(rs.body)).toBe(201);
    recordsetId = rs.body.id;
  });

  it("cancels at once; the consumer then writes nothing", async () => {
    captureQueue();
    const r = await as(owner)("POST", `/api/v1/recordsets/import/recordsets/${recordsetId}`, { file_uri: fileUri });
    expect(r.status).toBe(200);
    await deliver(sent.shift() as QueueMessage); // prepare
    const c = await as(owner)("POST", `/api/v1/recordsets/import/jobs/${r.body.job_id}/cancel`);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: "CANCELLED" });
    expect((await job(r.body.job_id)).status).toBe("CANCELLED");
    await drain();
    expect((await recordCount(recordsetId)).actual).toBe(0);
    // Cancelling again: 409.
    expect((await as(owner)("POST", `/api/v1/recordsets/import/jobs/${r.body.job_id}/cancel`)).status).toBe(409);
  });

  it("stops within one batch when cancelled mid-import", async () => {
    captureQueue();
    const r = await as(owner)("POST", `/api/v1/recordsets/import/recordsets/${recordsetId}`, { file_uri: fileUri });
    await deliver(sent.shift() as QueueMessage);
    const chunks = sent.shift() as QueueMessage;
    // Cancel as soon as the first chunk's progress is reported.
    const { JobReporter } = await import("../src/platform/jobs/service");
    const real = JobReporter.prototype.update;
    vi.spyOn(JobReporter.prototype, "update").mockImplementation(async function (this: InstanceType<typeof JobReporter>, u) {
      await real.call(this, u);
      if (u.step === "importing" && this.jobId === r.body.job_id) {
        await as(owner)("POST", `/api/v1/recordsets/import/jobs/${r.body.job_id}/cancel`);
      }
    });
    await deliver(chunks);
    const j = await job(r.body.job_id);
    expect(j.status).toBe("CANCELLED");
    expect((await recordCount(recordsetId)).actual).toBe(2000 - 3); // chunk 0 only: rows 1..2000, 3 bad (1000, 1500, 2000)
  });

  it("cancel-all cancels every active job; delete removes finished ones only", async () => {
    captureQueue();
    const a = await as(owner)("POST", `/api/v1/recordsets/import/recordsets/${recordsetId}`, { file_uri: fileUri });
    const b = await as(owner)("POST", `/api/v1/recordsets/import/recordsets/${recordsetId}`, { file_uri: fileUri });
    expect((await as(owner)("DELETE", `/api/v1/recordsets/import/jobs/${a.body.job_id}`)).status).toBe(409);
    const all = await as(owner)("POST", "/api/v1/recordsets/import/jobs/cancel-all");
    expect(all.status).toBe(200);
    expect(all.body.job_ids.sort()).toEqual([a.body.job_id, b.body.job_id].sort());
    expect(all.body.cancelled).toBe(2);
    expect((await as(owner)("POST", "/api/v1/recordsets/import/jobs/cancel-all")).body.cancelled).toBe(0);
    await drain();
    const del = await as(owner)("DELETE", `/api/v1/recordsets/import/jobs/${a.body.job_id}`);
    expect(del.status).toBe(204);
    expect((await as(owner)("GET", `/api/v1/recordsets/import/jobs/${a.body.job_id}`)).status).toBe(404);
    const left = await tenant((db) => db.select({ n: count() }).from(importJobs).where(eq(importJobs.id, a.body.job_id)));
    expect(left[0]?.n).toBe(0);
  });
});

// ---- bad input, permissions ------------------------------------------------------------------

describe("bad input and permissions", () => {
  const recordsetTotal = () => tenant(async (db) => (await db.select({ n: count() }).from(recordsets))[0]?.n ?? 0);
  const jobTotal = () => tenant(async (db) => (await db.select({ n: count() }).from(importJobs))[0]?.n ?? 0);

  it("an .xlsx that is not a zip, or JSON that does not parse: 422, nothing stored", async () => {
    const before = await uploadsStored();
    const x = await upload(owner, "fake.xlsx", "name,age\nbob,3\n");
    expect(x.status).toBe(422);
    expect(x.body.detail[0]).toMatchObject({ loc: ["body", "file"], msg: expect.stringMatching(/not a valid \.xlsx/) });
    const j = await upload(owner, "bad.json", '[{"a": 1}, {"a": ');
    expect(j.status).toBe(422);
    expect(j.body.detail[0].msg).toMatch(/JSON/);
    const o = await upload(owner, "obj.json", '{"a": 1}');
    expect(o.status).toBe(422);
    const png = await upload(owner, "x.png", "zzz");
    expect(png.status).toBe(422);
    expect(await uploadsStored()).toBe(before);
  });

  it("a multipart body without a file, or not multipart: 422", async () => {
    const form = new FormData();
    form.append("other", "x");
    const res = await raw("/api/v1/recordsets/import/upload", {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": owner.workspaceId },
      body: form,
    });
    expect(res.status).toBe(422);
    const r = await as(owner)("POST", "/api/v1/recordsets/import/upload", { file: "x" });
    expect(r.status).toBe(422);
  });

  it("bad mappings, fields or file_uri: 422 with nothing written", async () => {
    const up = await upload(owner, "small.csv", "Name,Amount\nA,1\nB,2\n", "text/csv");
    const [rsBefore, jobsBefore] = [await recordsetTotal(), await jobTotal()];
    const cases: [string, unknown, unknown[]][] = [
      [
        "/api/v1/recordsets/import",
        { file_uri: up.body.file_uri, name: "X", fields: FIELDS, field_mappings: { Name: "nope" } },
        ["body", "field_mappings", "Name"],
      ],
      [
        "/api/v1/recordsets/import",
        { file_uri: up.body.file_uri, name: "X", fields: FIELDS, field_mappings: { Missing: "name" } },
        ["body", "field_mappings", "Missing"],
      ],
      ["/api/v1/recordsets/import", { file_uri: `r2://imports/${crypto.randomUUID()}/uploads/x/y.csv`, name: "X" }, ["body", "file_uri"]],
      [
        "/api/v1/recordsets/import",
        { file_uri: up.body.file_uri, name: "X", fields: [{ key: "Bad Key", name: "n", type: "text" }] },
        ["body", "fields", 0, "key"],
      ],
      ["/api/v1/recordsets/import", { file_uri: up.body.file_uri }, ["body", "name"]],
      ["/api/v1/recordsets/import/upload/analyze", { file_uri: "r2://elsewhere/x.csv" }, ["body", "file_uri"]],
    ];
    for (const [path, body, loc] of cases) {
      const r = await as(owner)("POST", path, body);
      expect(r.status, `${path} ${JSON.stringify(body)} ${JSON.stringify(r.body)}`).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(typeof r.body.request_id).toBe("string");
      expect(r.body.detail[0].loc).toEqual(loc);
    }
    expect(await recordsetTotal()).toBe(rsBefore);
    expect(await jobTotal()).toBe(jobsBefore);
    const missing = await as(owner)("POST", "/api/v1/recordsets/import/upload/analyze", {
      file_uri: `r2://imports/${owner.workspaceId}/uploads/${crypto.randomUUID()}/gone.csv`,
    });
    expect(missing.status).toBe(404);
  });

  it("roles: viewers cannot upload; members cannot create recordsets; a recordset without a grant is 404", async () => {
    expect((await upload(viewer, "v.csv", "a\n1\n", "text/csv")).status).toBe(403);
    const up = await upload(member, "m.csv", "Name\nA\n", "text/csv");
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const create = await as(member)("POST", "/api/v1/recordsets/import", { file_uri: up.body.file_uri, name: "Mine" });
    expect(create.status).toBe(403);
    const rs = await as(owner)("POST", "/api/v1/recordsets", { name: "Private", fields: [{ key: "name", name: "Name", type: "text" }] });
    const into = await as(member)("POST", `/api/v1/recordsets/import/recordsets/${rs.body.id}`, { file_uri: up.body.file_uri });
    expect(into.status).toBe(404);
    const exp = await as(member)("POST", "/api/v1/recordsets/export", { recordset_id: rs.body.id });
    expect(exp.status).toBe(404);
    // A member's file_uri is the workspace's: another workspace cannot use it.
    const outsider = await signup();
    const foreign = await call("POST", "/api/v1/recordsets/import/upload/analyze", {
      token: outsider.token,
      workspace: outsider.workspaceId,
      body: { file_uri: up.body.file_uri },
    });
    expect(foreign.status).toBe(422);
  });

  it("another workspace's job ids are 404", async () => {
    const [j] = await tenant((db) => db.select({ id: importJobs.id }).from(importJobs).limit(1));
    const outsider = await signup();
    for (const [m, p] of [
      ["GET", `/api/v1/recordsets/import/jobs/${j?.id}`],
      ["GET", `/api/v1/recordsets/import/status/${j?.id}`],
      ["GET", `/api/v1/recordsets/import/jobs/${j?.id}/report-url`],
      ["POST", `/api/v1/recordsets/import/jobs/${j?.id}/cancel`],
      ["DELETE", `/api/v1/recordsets/import/jobs/${j?.id}`],
    ] as const) {
      const r = await call(m, p, { token: outsider.token, workspace: outsider.workspaceId });
      expect(r.status, `${m} ${p}`).toBe(404);
    }
  });
});

const someId = "0190f0e0-0000-7000-8000-000000000000";
describeSecurity("recordset import", [
  { method: "POST", path: "/api/v1/recordsets/import/upload", workspace: true },
  { method: "POST", path: "/api/v1/recordsets/import/upload/analyze", body: { file_uri: "r2://x" }, workspace: true },
  { method: "POST", path: "/api/v1/recordsets/import/upload/signed-url", body: { filename: "a.csv" }, workspace: true },
  { method: "POST", path: "/api/v1/recordsets/import", body: { file_uri: "r2://x", name: "n" }, workspace: true },
  { method: "POST", path: `/api/v1/recordsets/import/recordsets/${someId}`, body: { file_uri: "r2://x" }, workspace: true },
  { method: "POST", path: "/api/v1/recordsets/export", body: { recordset_id: someId }, workspace: true },
  { method: "GET", path: "/api/v1/recordsets/import/jobs", workspace: true },
  { method: "POST", path: "/api/v1/recordsets/import/jobs/cancel-all", workspace: true },
  { method: "GET", path: `/api/v1/recordsets/import/jobs/${someId}`, workspace: true },
  { method: "GET", path: `/api/v1/recordsets/import/jobs/${someId}/report-url`, workspace: true },
  { method: "POST", path: `/api/v1/recordsets/import/jobs/${someId}/cancel`, workspace: true },
  { method: "DELETE", path: `/api/v1/recordsets/import/jobs/${someId}`, workspace: true },
  { method: "GET", path: `/api/v1/recordsets/import/status/${someId}`, workspace: true },
]);
