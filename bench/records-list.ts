// `npm run bench:records`: the records list on a 100,000-record recordset against a throwaway local
// stack (embedded PostgreSQL + WebSocket proxy + local model server + `wrangler dev`).
//
// 1. One workspace, one recordset (stage, region, amount, close_date, …), 100,000 records inserted
//    with one generate_series INSERT straight into the tenant database, then ANALYZE.
// 2. Per scenario (filters + sort + page of 50), GET /api/v1/records through the Worker against the
//    bare SQL the endpoint runs. The bare SQL is not retyped here: src/modules/records/query.ts
//    (compileRecordQuery + selectRecordPage, what listRecords calls) is bundled with esbuild and
//    asked for the statement, which is then sent over the same driver path as the Worker (Neon
//    serverless driver through the WebSocket proxy) on a persistent connection, and also with a new
//    connection per query (as a Worker request connects). Both must return the same ids and total.
// 3. The goal compares against the bare SQL with one new connection: connect, run the statement,
//    end the pool, as a Worker request does (it opens its pools per request and closes them before
//    the response leaves, src/platform/middleware/request.ts). A persistent connection is a
//    floor no Worker request can reach (Workers cannot keep sockets between requests); its ratio
//    is printed too. The API request itself also opens a second connection (the control DB, for
//    the workspace membership) and reads the recordset before the page: that is its overhead.
//    Caveat: in Node a new Neon-driver connection costs ~90 ms, nearly all of it the driver's
//    SCRAM proof (4,096 awaited crypto.subtle.sign calls); workerd pays less per connection (the
//    whole API request, with two connections, takes ~115 ms for a 4 ms query), so this baseline
//    flatters the API most when the statement itself is fast.
//
//   BENCH_RECORDS  records in the recordset (default 100000)
//   BENCH_N        measured requests per kind (default 60)
//   BENCH_WARMUP   warm-up requests per kind (default 8)
//
// Results are printed and written to bench/results/records-list.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Pool as NeonPool, neonConfig } from "@neondatabase/serverless";
import pg from "pg";
import WebSocket from "ws";
import { benchLog, fetchJson, fmt, intEnv, onCleanup, round, runBench, type Stats, signUp, startBenchStack, stats } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "records-list.json");

const RECORDS = intEnv("BENCH_RECORDS", 100_000);
const N = intEnv("BENCH_N", 60);
const WARMUP = intEnv("BENCH_WARMUP", 8);
const GOAL = 1.5;
const RUN_ID = Date.now().toString(36);
const log = benchLog("bench:records");

const FIELDS = [
  { key: "name", name: "Name", type: "text", is_primary: true },
  { key: "stage", name: "Stage", type: "select", options: ["lead", "qualified", "proposal", "won", "lost"] },
  { key: "region", name: "Region", type: "select", options: ["north", "south", "east", "west"] },
  { key: "amount", name: "Amount", type: "currency", currency: "USD" },
  { key: "close_date", name: "Close date", type: "date" },
];

interface Scenario {
  name: string;
  params: Record<string, unknown>;
}

const SCENARIOS: Scenario[] = [
  {
    name: "stage=won AND amount>=50000, sort -amount",
    params: { column_filters: { stage: "won" }, numeric_filters: { amount: { gte: 50_000 } }, sort_by: "-amount", limit: 50 },
  },
  {
    name: "close_date in 2024 H2 AND region in (north,east), sort close_date,-amount",
    params: {
      date_filters: { close_date: { between: ["2024-07-01", "2024-12-31"] } },
      column_filters: [{ field: "region", op: "in", value: ["north", "east"] }],
      sort_by: "close_date,-amount",
      limit: 50,
    },
  },
  { name: "search 'deal 4242' AND tag vip, sort title", params: { search: "deal 4242", tags: "vip", sort_by: "title", limit: 50 } },
];

function queryString(recordsetId: string, params: Record<string, unknown>): string {
  const qs = new URLSearchParams({ recordset_id: recordsetId });
  for (const [k, v] of Object.entries(params)) qs.set(k, typeof v === "string" || typeof v === "number" ? String(v) : JSON.stringify(v));
  return qs.toString();
}

/** query.ts and what it needs, bundled once for Node (the sources use extensionless imports). */
async function bundleQueryModule(appDir: string) {
  const esbuild = await import("esbuild");
  const entry = join(appDir, "bench-records-entry.ts");
  writeFileSync(
    entry,
    [
      'export { compileRecordQuery, selectRecordPage } from "./src/modules/records/query";',
      'export { records } from "./src/modules/records/tables";',
      'export { eq } from "drizzle-orm";',
      'export { drizzle } from "drizzle-orm/neon-serverless";',
    ].join("\n"),
  );
  const out = join(appDir, "bench-records-query.mjs");
  await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: "esm",
    platform: "node",
    // Shared with this script, so neonConfig set here applies to the bundle's driver too.
    external: ["@neondatabase/serverless", "pg", "ws"],
    logLevel: "warning",
  });
  return import(pathToFileURL(out).href) as Promise<{
    compileRecordQuery: (fields: unknown, p: Record<string, unknown>) => unknown;
    selectRecordPage: (
      db: unknown,
      scope: unknown,
      compiled: unknown,
      skip: number,
      limit: number,
    ) => { toSQL(): { sql: string; params: unknown[] } };
    records: { recordsetId: unknown };
    eq: (a: unknown, b: unknown) => unknown;
    drizzle: (o: { client: NeonPool }) => unknown;
  }>;
}

function headers(token: string, workspace: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, "x-workspace-id": workspace };
}

async function main() {
  const { stack, app, api, tenantUrl } = await startBenchStack({ log, prefix: "atrium-bench-records-" });
  const q = await bundleQueryModule(app);

  const signedUp = await signUp(api, {
    email: `bench-records-${RUN_ID}@example.com`,
    full_name: "Bench Owner",
    company_name: "Bench Records",
  });
  const token = signedUp.access_token;
  const workspace = signedUp.workspace.id;
  const me = await fetchJson<{ id: string }>(`${api}/api/v1/members/me`, { headers: headers(token, workspace) });
  const tenant = tenantUrl(workspace);

  const client = new pg.Client({ connectionString: tenant });
  await client.connect();
  onCleanup("pg client", () => client.end());
  const rs = await client.query<{ id: string }>(
    "INSERT INTO recordsets (id, slug, name, fields, created_by_member_id) VALUES (gen_random_uuid(), 'bench-deals', 'Bench deals', $1, $2) RETURNING id",
    [JSON.stringify(FIELDS), me.id],
  );
  const recordsetId = rs.rows[0]!.id;
  log(`inserting ${RECORDS} records with generate_series`);
  const insertStart = performance.now();
  // The same shape a create writes: typed field_values, promoted title and lower-cased search_text.
  await client.query(
    `WITH g AS (
       SELECT i,
         (ARRAY['lead','qualified','proposal','won','lost'])[1 + i % 5] AS stage,
         (ARRAY['north','south','east','west'])[1 + (i * 31 / 7) % 4] AS region,
         ((i * 7919) % 100000) + (i % 100) / 100.0 AS amount,
         to_char(date '2024-01-01' + (i % 900), 'YYYY-MM-DD') AS close_date
       FROM generate_series(1, $2::int) AS i
     )
     INSERT INTO records (id, recordset_id, field_values, title, search_text, status, tags, version,
                          created_by_member_id, updated_by_member_id, created_at, updated_at)
     SELECT gen_random_uuid(), $1,
       jsonb_build_object('name', 'Deal ' || i, 'stage', stage, 'region', region, 'amount', amount, 'close_date', close_date),
       'Deal ' || i,
       lower('deal ' || i || ' ' || stage || ' ' || region || ' ' || amount || ' ' || close_date),
       'active', CASE WHEN i % 10 = 0 THEN ARRAY['vip'] ELSE '{}'::text[] END, 1, $3, $3,
       now() - make_interval(secs => i), now() - make_interval(secs => i)
     FROM g`,
    [recordsetId, RECORDS, me.id],
  );
  await client.query("UPDATE recordsets SET record_count = (SELECT count(*) FROM records WHERE recordset_id = $1) WHERE id = $1", [
    recordsetId,
  ]);
  await client.query("ANALYZE records");
  const insertMs = Math.round(performance.now() - insertStart);
  log(`inserted and analysed in ${insertMs} ms`);

  neonConfig.wsProxy = (host, p) => `127.0.0.1:${stack.proxyPort}/v1?address=${host}:${p}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = "password"; // as src/platform/db configureDriver
  neonConfig.pipelineTLS = false;
  neonConfig.coalesceWrites = false;
  neonConfig.webSocketConstructor = WebSocket;
  const neon = new NeonPool({ connectionString: tenant, max: 1 });
  onCleanup("neon pool", () => neon.end());
  const db = q.drizzle({ client: neon });

  const results: Record<string, unknown>[] = [];
  for (const s of SCENARIOS) {
    const statement = q
      .selectRecordPage(db, q.eq(q.records.recordsetId, recordsetId), q.compileRecordQuery(FIELDS, s.params), 0, Number(s.params.limit))
      .toSQL();
    const url = `${api}/api/v1/records?${queryString(recordsetId, s.params)}`;
    const viaApi = await fetchJson<{ items: { id: string }[]; total: number }>(url, { headers: headers(token, workspace) });
    const bare = await neon.query(statement.sql, statement.params);
    const bareIds = bare.rows.map((r) => r.id as string);
    // drizzle selects `count(*) over ()` unaliased (it maps columns by position): the last column.
    const bareTotal = Number(bare.rows[0] ? Object.values(bare.rows[0]).at(-1) : 0);
    if (JSON.stringify(bareIds) !== JSON.stringify(viaApi.items.map((i) => i.id)) || bareTotal !== viaApi.total) {
      throw new Error(`${s.name}: the API and the bare SQL disagree (total ${viaApi.total} vs ${bareTotal})`);
    }
    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) ${statement.sql}`, statement.params);
    const planLines = plan.rows.map((r) => String(r["QUERY PLAN"]));

    const kinds: Record<string, () => Promise<void>> = {
      api: async () => {
        const res = await fetch(url, { headers: headers(token, workspace) });
        await res.text();
        if (res.status !== 200) throw new Error(`GET /records: HTTP ${res.status}`);
      },
      bareNeon: async () => {
        await neon.query(statement.sql, statement.params);
      },
      bareNeonNewConnection: async () => {
        const pool = new NeonPool({ connectionString: tenant, max: 1 });
        await pool.query(statement.sql, statement.params);
        await pool.end();
      },
      barePg: async () => {
        await client.query(statement.sql, statement.params);
      },
    };
    const names = Object.keys(kinds);
    const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
    for (let w = 0; w < WARMUP; w++) for (const k of names) await kinds[k]!();
    for (let r = 0; r < N; r++) {
      for (let j = 0; j < names.length; j++) {
        const k = names[(r + j) % names.length]!;
        const t0 = performance.now();
        await kinds[k]!();
        samples[k]!.push(performance.now() - t0);
      }
    }
    const st: Record<string, Stats> = Object.fromEntries(names.map((k) => [k, stats(samples[k]!)]));
    // The goal's baseline: the bare statement over one new connection (see the header).
    const ratio = round(st.api!.p50 / st.bareNeonNewConnection!.p50);
    results.push({
      scenario: s.name,
      params: s.params,
      total: viaApi.total,
      sql: statement.sql,
      plan: planLines,
      stats: st,
      ratio: {
        apiVsBareNeonP50: round(st.api!.p50 / st.bareNeon!.p50),
        apiVsBareNeonNewConnectionP50: ratio,
        apiVsBarePgP50: round(st.api!.p50 / st.barePg!.p50),
        apiMinusBareNeonP50Ms: round(st.api!.p50 - st.bareNeon!.p50),
        apiMinusBareNeonNewConnectionP50Ms: round(st.api!.p50 - st.bareNeonNewConnection!.p50),
      },
      goalMet: ratio <= GOAL,
    });
    console.log(`\n  ${s.name} — ${viaApi.total} matches of ${RECORDS}`);
    console.log(`  ${"(ms)".padEnd(44)}${"n".padStart(6)}${"p50".padStart(10)}${"p95".padStart(10)}${"max".padStart(10)}`);
    const label: Record<string, string> = {
      api: "GET /api/v1/records (Worker)",
      bareNeon: "bare SQL, Neon driver, persistent conn",
      bareNeonNewConnection: "bare SQL, Neon driver, new connection",
      barePg: "bare SQL, pg, persistent conn",
    };
    for (const k of names) {
      const x = st[k]!;
      console.log(
        `  ${label[k]!.padEnd(44)}${String(x.n).padStart(6)}${fmt(x.p50).padStart(10)}${fmt(x.p95).padStart(10)}${fmt(x.max).padStart(10)}`,
      );
    }
    console.log(
      `  API p50 / bare SQL p50 (Neon, new connection): ${fmt(ratio)} (goal <= ${GOAL}: ${ratio <= GOAL ? "met" : "NOT met"}); ` +
        `vs persistent connection: ${fmt(round(st.api!.p50 / st.bareNeon!.p50))}`,
    );
    console.log(
      `  plan: ${planLines
        .filter((l) => /Scan|Sort|Limit|Execution/.test(l))
        .map((l) => l.trim())
        .join(" | ")}`,
    );
  }
  const out = {
    timestamp: new Date().toISOString(),
    config: { records: RECORDS, n: N, warmup: WARMUP, node: process.version, insertMs },
    goal: `GET /api/v1/records p50 <= ${GOAL}x the bare SQL p50 (same statement, Neon driver, one new connection: connect, query, end)`,
    scenarios: results,
  };
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  log(`results written to ${RESULTS}`);
}

await runBench(log, main);
