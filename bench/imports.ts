// `npm run bench:imports`: a 100,000-row CSV imported through the Worker and the imports queue,
// against COPY of the same rows into the same database, same run, on a throwaway local stack
// (embedded PostgreSQL + WebSocket proxy + `wrangler dev`, whose Miniflare runs the queue consumer).
//
// 1. Upload the CSV (multipart POST /api/v1/recordsets/import/upload: streamed to R2 and analysed).
// 2. Import: POST /api/v1/recordsets/import, then poll the job until it is completed. Timed from the
//    import request to completion (queue delivery included), and the consumer's own time
//    (job started_at → completed_at).
// 3. COPY: the same rows, as the import wrote them (field_values JSON, title, search_text), with
//    `COPY records (…) FROM STDIN` over `pg` in Node into a second recordset of the same database.
//
//   BENCH_ROWS  rows in the CSV (default 100000)
//
// Results are printed and written to bench/results/imports.json.

import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { benchLog, fetchJson, intEnv, onCleanup, runBench, signUp, startBenchStack } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "imports.json");
const ROWS = intEnv("BENCH_ROWS", 100_000);
const GOAL = 0.25;
const RUN_ID = Date.now().toString(36);
const log = benchLog("bench:imports");

const FIELDS = [
  { key: "name", name: "Name", type: "text", is_primary: true },
  { key: "amount", name: "Amount", type: "number" },
  { key: "email", name: "Email", type: "email" },
  { key: "active", name: "Active", type: "boolean" },
  { key: "signup", name: "Signup", type: "date" },
];

interface Row {
  name: string;
  amount: number;
  email: string;
  active: boolean;
  signup: string;
}
const rowOf = (i: number): Row => ({
  name: `Person ${i}`,
  amount: i * 1.5,
  email: `p${i}@example.com`,
  active: i % 2 === 0,
  signup: `2024-01-${String((i % 28) + 1).padStart(2, "0")}`,
});

function csv(): string {
  const lines = ["Name,Amount,Email,Active,Signup"];
  for (let i = 1; i <= ROWS; i++) {
    const r = rowOf(i);
    lines.push(`${r.name},${r.amount},${r.email},${r.active ? "yes" : "no"},${r.signup}`);
  }
  return `${lines.join("\n")}\n`;
}

/** COPY text format: tab-separated, \N for NULL, backslash escapes. */
const copyField = (v: string | null) =>
  v === null ? "\\N" : v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");

/**
 * COPY … FROM STDIN as a pg "submittable" (what pg-copy-streams does, without the dependency):
 * on CopyInResponse the data goes out in ~1 MB CopyData messages, then CopyDone.
 */
function copyFrom(text: string, chunks: Buffer[]) {
  let done: (e?: Error) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    done = (e) => (e ? reject(e) : resolve());
  });
  let error: Error | undefined;
  const submittable = {
    submit(connection: any) {
      connection.query(text);
    },
    handleCopyInResponse(connection: any) {
      for (const c of chunks) connection.sendCopyFromChunk(c);
      connection.endCopyFrom();
    },
    handleCommandComplete() {},
    handleReadyForQuery() {
      done(error);
    },
    handleError(e: Error) {
      error = e;
    },
  };
  return { submittable, finished };
}

async function main() {
  const { api, tenantUrl } = await startBenchStack({ log, prefix: "atrium-bench-imports-", ai: false });

  const signedUp = await signUp(api, { email: `bench-imports-${RUN_ID}@example.com`, full_name: "Bench", company_name: "Bench Imports" });
  const h = { authorization: `Bearer ${signedUp.access_token}`, "x-workspace-id": signedUp.workspace.id };

  const text = csv();
  log(`CSV: ${ROWS} rows, ${(text.length / 1048576).toFixed(1)} MiB`);
  const form = new FormData();
  form.append("file", new Blob([text], { type: "text/csv" }), "bench.csv");
  const t0 = performance.now();
  const analysis = await fetchJson<{ file_uri: string; total_rows: number }>(`${api}/api/v1/recordsets/import/upload`, {
    method: "POST",
    headers: h,
    body: form,
  });
  const uploadMs = performance.now() - t0;
  if (analysis.total_rows !== ROWS) throw new Error(`analysis counted ${analysis.total_rows} rows`);
  log(`upload + analyse: ${Math.round(uploadMs)} ms`);

  const t1 = performance.now();
  const started = await fetchJson<{ job_id: string; recordset_id: string }>(`${api}/api/v1/recordsets/import`, {
    method: "POST",
    headers: { ...h, "content-type": "application/json" },
    body: JSON.stringify({ file_uri: analysis.file_uri, name: "Bench import", fields: FIELDS }),
  });
  let job: {
    status: string;
    imported_rows: number;
    error_rows: number;
    started_at: string;
    completed_at: string;
    error_message: string | null;
  };
  for (;;) {
    job = await fetchJson(`${api}/api/v1/recordsets/import/jobs/${started.job_id}`, { headers: h });
    if (job.status === "COMPLETED" || job.status === "FAILED" || job.status === "CANCELLED") break;
    await sleep(100);
  }
  const importMs = performance.now() - t1;
  if (job.status !== "COMPLETED" || job.imported_rows !== ROWS) throw new Error(`import ended ${job.status}: ${JSON.stringify(job)}`);
  const consumerMs = Date.parse(job.completed_at) - Date.parse(job.started_at);
  log(`import through the queue: ${Math.round(importMs)} ms end to end, ${consumerMs} ms in the consumer`);

  // COPY of the same rows (as the import stored them) into the same database.
  const client = new pg.Client({ connectionString: tenantUrl(signedUp.workspace.id) });
  await client.connect();
  onCleanup("pg client", () => client.end());
  const rs = await client.query<{ id: string }>(
    "INSERT INTO recordsets (id, slug, name, fields) VALUES ($1, 'bench-copy', 'Bench copy', $2) RETURNING id",
    [randomUUID(), JSON.stringify(FIELDS)],
  );
  const rsId = rs.rows[0]?.id as string;
  const t2 = performance.now();
  const chunks: Buffer[] = [];
  let buf: string[] = [];
  let size = 0;
  for (let i = 1; i <= ROWS; i++) {
    const r = rowOf(i);
    const search = [r.name, r.email].join(" ").toLowerCase();
    const line = `${[randomUUID(), rsId, JSON.stringify(r), r.name, search].map(copyField).join("\t")}\n`;
    buf.push(line);
    size += line.length;
    if (size > 1 << 20) {
      chunks.push(Buffer.from(buf.join("")));
      buf = [];
      size = 0;
    }
  }
  if (buf.length) chunks.push(Buffer.from(buf.join("")));
  const copy = copyFrom("COPY records (id, recordset_id, field_values, title, search_text) FROM STDIN", chunks);
  client.query(copy.submittable as never);
  await copy.finished;
  const copyMs = performance.now() - t2;
  const n = await client.query<{ n: string }>("SELECT count(*) AS n FROM records WHERE recordset_id = $1", [rsId]);
  if (Number(n.rows[0]?.n) !== ROWS) throw new Error(`COPY wrote ${n.rows[0]?.n} rows`);
  log(`COPY: ${Math.round(copyMs)} ms`);

  const rate = (ms: number) => Math.round((ROWS / ms) * 1000);
  const out = {
    run_at: new Date().toISOString(),
    rows: ROWS,
    csv_bytes: text.length,
    upload_and_analyse_ms: Math.round(uploadMs),
    import_end_to_end_ms: Math.round(importMs),
    import_consumer_ms: consumerMs,
    copy_ms: Math.round(copyMs),
    rows_per_second: { import_end_to_end: rate(importMs), import_consumer: rate(consumerMs), copy: rate(copyMs) },
    ratio_vs_copy: { end_to_end: Math.round((copyMs / importMs) * 1000) / 1000, consumer: Math.round((copyMs / consumerMs) * 1000) / 1000 },
    goal: `import throughput >= ${GOAL}x COPY`,
    notes:
      "The import also validates and coerces every value, writes version 1 of each record, the chunk ledger and " +
      "record_count, and reports progress; COPY writes the finished rows only. End to end includes queue delivery in Miniflare.",
  };
  console.table({
    "import (end to end)": {
      ms: out.import_end_to_end_ms,
      "rows/s": out.rows_per_second.import_end_to_end,
      "× COPY": out.ratio_vs_copy.end_to_end,
    },
    "import (consumer)": {
      ms: out.import_consumer_ms,
      "rows/s": out.rows_per_second.import_consumer,
      "× COPY": out.ratio_vs_copy.consumer,
    },
    COPY: { ms: out.copy_ms, "rows/s": out.rows_per_second.copy, "× COPY": 1 },
  });
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  log(`results written to ${RESULTS}`);
}

await runBench(log, main);
