// `npm run bench:knowledge`: documents and knowledge retrieval on a throwaway local stack
// (embedded PostgreSQL + WebSocket proxy + local model server + `wrangler dev`, whose Miniflare
// runs the queue consumer).
//
// 1. Ingestion: the 300 documents of the labelled set (bench/knowledge-set.ts) uploaded through
//    POST /api/v1/documents/upload; timed from the first upload until every one is `ready`
//    (extracted, chunked, embedded and stored by the IMPORTS_QUEUE consumer). Documents, chunks
//    and MB per second.
// 2. Retrieval quality: the set's 60 questions through POST /api/v1/knowledge/search with
//    mode = hybrid, fulltext and vector, same run; recall@5 = the answer document is among the
//    documents of the first 5 results. Per style (paraphrase, identifier, topical) too.
// 3. Query latency: 50,000 more chunks (2,000 documents × 25, texts from the same prose,
//    embedded by the same model server), half linked to a channel the querying member is not in.
//    p50 of the member's hybrid search through the API against the bare SQL of the same query:
//    the statement searchKnowledge() builds (bundled with esbuild and run in Node with the member's
//    context; its final statement captured instead of run), sent over the same driver path (Neon
//    serverless driver through the WebSocket proxy) with a new connection per query, as a Worker
//    request connects. The API's time includes embedding the query (one call to the model
//    server); the bare SQL gets the vector ready-made, so that call is part of the overhead.
// 4. The local exact vector search (no pgvector here): µs per row of vec_cosine_distance over
//    every chunk, against a scan of the same rows without it.
//
//   BENCH_CHUNKS  chunks for the latency part (default 50000)
//   BENCH_N       measured queries per kind (default 40)
//
// Results are printed and written to bench/results/knowledge.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Pool as NeonPool, neonConfig } from "@neondatabase/serverless";
import pg from "pg";
import WebSocket from "ws";
import { labelledSet } from "./knowledge-set.ts";
import { benchLog, fetchJson, fmt, intEnv, joinWorkspace, onCleanup, round, runBench, signUp, startBenchStack, stats } from "./lib.ts";

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "knowledge.json");
const CHUNKS = intEnv("BENCH_CHUNKS", 50_000);
const N = intEnv("BENCH_N", 40);
const CHUNKS_PER_DOC = 25;
const DIMENSIONS = 256;
const RUN_ID = Date.now().toString(36);
const log = benchLog("bench:knowledge");
const MODES = ["hybrid", "fulltext", "vector"] as const;

const auth = (token: string, workspace: string, json = false): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  "x-workspace-id": workspace,
  ...(json ? { "content-type": "application/json" } : {}),
});

interface Hit {
  document_id: string;
}

/** searchKnowledge and what it needs, bundled once for Node (the sources use extensionless imports). */
async function bundleSearch(appDir: string) {
  const esbuild = await import("esbuild");
  const entry = join(appDir, "bench-knowledge-entry.ts");
  writeFileSync(
    entry,
    [
      'export { searchKnowledge } from "./src/modules/knowledge/service/search";',
      'export { drizzle } from "drizzle-orm/neon-serverless";',
      'export { PgDialect } from "drizzle-orm/pg-core";',
    ].join("\n"),
  );
  const out = join(appDir, "bench-knowledge-search.mjs");
  await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: "esm",
    platform: "node",
    external: ["@neondatabase/serverless", "pg", "ws", "cloudflare:*"],
    // The visibility rule reaches the tenancy code, which bundles the migration SQL as text (as wrangler does).
    loader: { ".sql": "text" },
    logLevel: "warning",
  });
  return import(pathToFileURL(out).href) as Promise<{
    searchKnowledge: (ctx: unknown, o: Record<string, unknown>) => Promise<unknown>;
    drizzle: (o: { client: NeonPool }) => { execute: (q: unknown) => Promise<unknown> };
    PgDialect: new () => { sqlToQuery(q: unknown): { sql: string; params: unknown[] } };
  }>;
}

/** Embeds texts with the local model server, as the gateway does (same model, same dimensions). */
async function embedTexts(aiUrl: string, input: string[]): Promise<number[][]> {
  const r = await fetchJson<{ data: { index: number; embedding: number[] }[] }>(`${aiUrl}/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer local" },
    body: JSON.stringify({ model: "text-embedding-3-small", input, dimensions: DIMENSIONS, encoding_format: "float" }),
  });
  return r.data.sort((a, b) => a.index - b.index).map((d) => d.embedding);
}

async function main() {
  const { stack, app, api, aiUrl, tenantUrl } = await startBenchStack({ log, prefix: "atrium-bench-knowledge-" });
  const search = await bundleSearch(app);
  const owner = await signUp(api, { email: `bench-kn-${RUN_ID}@example.com`, full_name: "Bench Owner", company_name: "Bench Knowledge" });
  const workspace = owner.workspace.id;
  const control = new pg.Client({ connectionString: stack.controlUrl });
  await control.connect();
  onCleanup("control client", () => control.end());
  const tenant = new pg.Client({ connectionString: tenantUrl(workspace) });
  await tenant.connect();
  onCleanup("tenant client", () => tenant.end());

  // ---- 1. ingestion -----------------------------------------------------------------------------
  const set = labelledSet();
  const idOf = new Map<string, string>();
  const keyOf = new Map<string, string>();
  let bytes = 0;
  const started = performance.now();
  for (const d of set.documents) {
    const form = new FormData();
    form.append("file", new File([d.text], d.fileName, { type: "text/markdown" }));
    form.append("title", d.title);
    const r = await fetchJson<{ id: string }>(`${api}/api/v1/documents/upload`, {
      method: "POST",
      headers: auth(owner.access_token, workspace),
      body: form,
      expected: 201,
    });
    idOf.set(d.key, r.id);
    keyOf.set(r.id, d.key);
    bytes += new TextEncoder().encode(d.text).length;
  }
  const uploadedMs = performance.now() - started;
  log(`uploaded ${set.documents.length} documents in ${Math.round(uploadedMs)} ms; waiting for the index`);
  for (;;) {
    const r = await tenant.query<{ status: string; n: string }>("SELECT index_status AS status, count(*) AS n FROM documents GROUP BY 1");
    const by = Object.fromEntries(r.rows.map((x) => [x.status, Number(x.n)]));
    if ((by.failed ?? 0) > 0) throw new Error(`documents failed to index: ${JSON.stringify(by)}`);
    if ((by.ready ?? 0) === set.documents.length) break;
    if (performance.now() - started > 15 * 60_000) throw new Error(`indexing did not finish: ${JSON.stringify(by)}`);
    await sleep(250);
  }
  const ingestMs = performance.now() - started;
  const chunkCount = Number((await tenant.query<{ n: string }>("SELECT count(*) AS n FROM knowledge_chunks")).rows[0]?.n);
  const ingestion = {
    documents: set.documents.length,
    chunks: chunkCount,
    megabytes: round(bytes / 1048576),
    upload_ms: Math.round(uploadedMs),
    total_ms: Math.round(ingestMs),
    documents_per_second: round(set.documents.length / (ingestMs / 1000)),
    chunks_per_second: round(chunkCount / (ingestMs / 1000)),
    megabytes_per_second: round(bytes / 1048576 / (ingestMs / 1000)),
  };
  log(`ingestion: ${JSON.stringify(ingestion)}`);

  // ---- 2. retrieval quality ---------------------------------------------------------------------
  const recall: Record<string, { all: number; paraphrase: number; identifier: number; topical: number }> = {};
  for (const mode of MODES) {
    const hits = { all: 0, paraphrase: 0, identifier: 0, topical: 0 };
    for (const q of set.questions) {
      const r = await fetchJson<{ results: Hit[] }>(`${api}/api/v1/knowledge/search`, {
        method: "POST",
        headers: auth(owner.access_token, workspace, true),
        body: JSON.stringify({ query: q.question, top_k: 20, mode }),
      });
      const docs = [...new Set(r.results.map((h) => keyOf.get(h.document_id)))].slice(0, 5);
      if (docs.includes(q.answer)) {
        hits.all++;
        hits[q.style]++;
      }
    }
    const per = set.questions.length / 3;
    recall[mode] = {
      all: round(hits.all / set.questions.length),
      paraphrase: round(hits.paraphrase / per),
      identifier: round(hits.identifier / per),
      topical: round(hits.topical / per),
    };
    log(`recall@5 ${mode}: ${JSON.stringify(recall[mode])}`);
  }

  // ---- 3. latency over CHUNKS chunks -------------------------------------------------------------
  const member = await joinWorkspace(api, control, {
    ownerToken: owner.access_token,
    workspace,
    email: `bench-kn-member-${RUN_ID}@example.com`,
    fullName: "Bench Member",
  });
  const channel = async (name: string, isPrivate: boolean) =>
    (
      await fetchJson<{ id: string }>(`${api}/api/v1/channels`, {
        method: "POST",
        headers: auth(owner.access_token, workspace, true),
        body: JSON.stringify({ name, is_private: isPrivate }),
        expected: 201,
      })
    ).id;
  const open = await channel(`kn-open-${RUN_ID}`, false);
  const closed = await channel(`kn-closed-${RUN_ID}`, true);
  const prose = set.documents.flatMap((d) => d.text.split("\n\n").filter((p) => !p.startsWith("# ")));
  const docsNeeded = Math.ceil(CHUNKS / CHUNKS_PER_DOC);
  log(`inserting ${docsNeeded} documents × ${CHUNKS_PER_DOC} chunks, embedded by the model server`);
  const insertStart = performance.now();
  const ownerMember = (await tenant.query<{ id: string }>("SELECT id FROM members ORDER BY created_at LIMIT 1")).rows[0]?.id;
  for (let d = 0; d < docsNeeded; d += 40) {
    const batch = Array.from({ length: Math.min(40, docsNeeded - d) }, (_, i) => d + i);
    const docIds = batch.map(() => crypto.randomUUID());
    await tenant.query(
      `INSERT INTO documents (id, title, file_name, content_type, size_bytes, current_version, index_status, indexed_version, indexed_at, uploaded_by_member_id)
       SELECT id, 'Bench document ' || n, 'bench-' || n || '.md', 'text/markdown', 1000, 1, 'ready', 1, now(), $3
       FROM unnest($1::uuid[], $2::int[]) AS t(id, n)`,
      [docIds, batch, ownerMember],
    );
    await tenant.query(
      `INSERT INTO document_links (id, document_id, entity_type, entity_id, is_primary)
       SELECT gen_random_uuid(), id, 'channel', CASE WHEN n % 2 = 0 THEN $3::uuid ELSE $4::uuid END, true
       FROM unnest($1::uuid[], $2::int[]) AS t(id, n)`,
      [docIds, batch, open, closed],
    );
    const texts: string[] = [];
    const owners: string[] = [];
    const indexes: number[] = [];
    for (const [j, n] of batch.entries()) {
      for (let c = 0; c < CHUNKS_PER_DOC; c++) {
        texts.push(`${prose[(n * 7 + c * 13) % prose.length]} ${prose[(n * 11 + c * 5 + 1) % prose.length]}`);
        owners.push(docIds[j] as string);
        indexes.push(c);
      }
    }
    const vectors: number[][] = [];
    for (let i = 0; i < texts.length; i += 250) vectors.push(...(await embedTexts(aiUrl, texts.slice(i, i + 250))));
    await tenant.query(
      `INSERT INTO knowledge_chunks (id, document_id, version_number, chunk_index, content, token_count, embedding, embedding_model)
       SELECT gen_random_uuid(), d, 1, i, t, 120, e::real[], 'text-embedding-3-small'
       FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS x(d, i, t, e)`,
      [owners, indexes, texts, vectors.map((v) => `{${v.join(",")}}`)],
    );
  }
  await tenant.query("ANALYZE documents; ANALYZE document_links; ANALYZE knowledge_chunks");
  log(`inserted in ${Math.round(performance.now() - insertStart)} ms`);

  neonConfig.wsProxy = (host, p) => `127.0.0.1:${stack.proxyPort}/v1?address=${host}:${p}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = "password"; // as src/platform/db configureDriver
  neonConfig.pipelineTLS = false;
  neonConfig.coalesceWrites = false;
  neonConfig.webSocketConstructor = WebSocket;
  const memberUser = (
    await control.query<{ id: string }>("SELECT id FROM users WHERE email = $1", [`bench-kn-member-${RUN_ID}@example.com`])
  ).rows[0]?.id;
  const dialect = new search.PgDialect();

  /** The statement searchKnowledge runs for the member: its reads happen, its final execute is captured. */
  async function statementFor(query: string, vector: number[]) {
    const pool = new NeonPool({ connectionString: tenantUrl(workspace), max: 1 });
    try {
      const db = search.drizzle({ client: pool });
      let captured: { sql: string; params: unknown[] } | undefined;
      const capturing = new Proxy(db, {
        get(target, prop, receiver) {
          if (prop === "execute")
            return async (q: unknown) => {
              captured = dialect.sqlToQuery(q);
              return { rows: [] };
            };
          return Reflect.get(target, prop, receiver);
        },
      });
      const ctx = {
        db: capturing,
        actor: { kind: "user", userId: memberUser },
        workspace: { id: workspace, role: "member" },
        env: {},
        requestId: "bench",
      };
      await search.searchKnowledge(ctx, { query, top_k: 10, mode: "hybrid", embedding: { vector, model: "text-embedding-3-small" } });
      if (!captured) throw new Error("searchKnowledge ran no statement");
      return captured;
    } finally {
      await pool.end();
    }
  }

  const questions = set.questions.map((q) => q.question);
  const apiMs: number[] = [];
  const bareMs: number[] = [];
  let checked = 0;
  for (let i = 0; i < N + 5; i++) {
    const query = questions[i % questions.length] as string;
    const [vector] = await embedTexts(aiUrl, [query]);
    const statement = await statementFor(query, vector as number[]);
    const t0 = performance.now();
    const viaApi = await fetchJson<{ results: Hit[] }>(`${api}/api/v1/knowledge/search`, {
      method: "POST",
      headers: auth(member.token, workspace, true),
      body: JSON.stringify({ query, top_k: 10, mode: "hybrid" }),
    });
    const t1 = performance.now();
    const pool = new NeonPool({ connectionString: tenantUrl(workspace), max: 1 });
    const bare = await pool.query(statement.sql, statement.params);
    await pool.end();
    const t2 = performance.now();
    const apiIds = viaApi.results.map((h) => h.document_id);
    const bareIds = bare.rows.map((r) => r.document_id as string);
    if (JSON.stringify(apiIds) !== JSON.stringify(bareIds)) throw new Error(`"${query}": the API and the bare SQL disagree`);
    if (apiIds.some((id) => keyOf.has(id))) throw new Error("the member was shown a document only the owner can see");
    checked++;
    if (i < 5) continue; // warm-up
    apiMs.push(t1 - t0);
    bareMs.push(t2 - t1);
  }
  const a = stats(apiMs);
  const b = stats(bareMs);
  const first = questions[0] as string;
  const explained = await statementFor(first, (await embedTexts(aiUrl, [first]))[0] as number[]);
  const plan = await tenant.query(`EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) ${explained.sql}`, explained.params);
  const execution = plan.rows.map((r) => r["QUERY PLAN"] as string).find((l) => l.startsWith("Execution Time"));
  const latency = {
    chunks: Number((await tenant.query<{ n: string }>("SELECT count(*) AS n FROM knowledge_chunks")).rows[0]?.n),
    api: a,
    bare_sql_new_connection: b,
    ratio_p50: round(a.p50 / b.p50),
    goal: 1.3,
    statement_execution: execution ?? null,
    results_checked_equal: checked,
  };
  log(`hybrid search p50: API ${fmt(a.p50)} ms, bare SQL ${fmt(b.p50)} ms → ${fmt(latency.ratio_p50)}× (goal ≤ 1.3×); ${execution}`);

  // ---- 4. the local exact vector search ----------------------------------------------------------
  const [qv] = await embedTexts(aiUrl, ["budget review cost centre approval"]);
  const literal = `{${(qv as number[]).join(",")}}`;
  const time = async (text: string, params: unknown[]) => {
    const xs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      await tenant.query(text, params);
      xs.push(performance.now() - t);
    }
    return stats(xs).p50;
  };
  const rows = latency.chunks;
  const withDistance = await time(
    "SELECT count(*) FROM (SELECT vec_cosine_distance(embedding, $1::real[]) d FROM knowledge_chunks) t WHERE d < 2",
    [literal],
  );
  const scanOnly = await time("SELECT count(*) FROM (SELECT cardinality(embedding) n FROM knowledge_chunks) t WHERE n > 0", []);
  const exact = {
    rows,
    dimensions: DIMENSIONS,
    with_distance_ms: round(withDistance),
    scan_only_ms: round(scanOnly),
    us_per_row: round(((withDistance - scanOnly) * 1000) / rows),
  };
  log(`local exact vector search: ${fmt(exact.us_per_row)} µs a row (${rows} rows: ${fmt(withDistance)} ms vs ${fmt(scanOnly)} ms scan)`);

  const out = { date: new Date().toISOString(), ingestion, recall_at_5: recall, latency, exact_vector: exact };
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  log(`results written to ${RESULTS}`);
}

await runBench(log, main);
