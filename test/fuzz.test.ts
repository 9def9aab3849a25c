// A small, deterministic fuzzer over every operation in /openapi.json: valid-looking requests
// built from each operation's schemas, then mutated (NUL, huge strings, wrong types, bad ids,
// missing and extra fields, …). No answer may be a 5xx. Change SEED to explore other inputs.
import { beforeAll, describe, expect, it } from "vitest";
import { call, raw, type SignedUp, signup } from "./harness";

const SEED = 0x5eed_2026;
const ROUNDS = 1; // mutated requests per operation
const BATCH = 4; // operations fuzzed at once
const HANG_MS = 20_000; // an answer slower than this is a failure too

/** mulberry32: a tiny seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => int(16).toString(16)).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
  };
  return { next, int, pick, uuid };
}
type Rng = ReturnType<typeof prng>;

type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; required?: boolean; schema?: Schema }[];
  body?: { type: string; schema: Schema } | undefined;
  streams: boolean;
}

const HOSTILE_STRINGS = [
  "\u0000",
  "a\u0000b",
  "x".repeat(70_000),
  "",
  " ",
  "not-a-uuid",
  "00000000-0000-0000-0000-000000000000",
  "-1",
  "1e999",
  "NaN",
  "null",
  "'; DROP TABLE users; --",
  "../../etc/passwd",
  "%",
  "\ud800",
  "😀".repeat(50),
  "<script>alert(1)</script>",
  "2026-13-45T99:99:99Z",
];
const HOSTILE_VALUES: unknown[] = [
  ...HOSTILE_STRINGS,
  -1,
  0,
  1.5,
  -1e308,
  1e308,
  2 ** 53 + 1,
  -(2 ** 31) - 1,
  2 ** 31,
  true,
  null,
  [],
  {},
  [null],
  { "\u0000": 1 },
  ["\u0000"],
];

/** Path segments (already encoded): hostile ones, some not even valid percent-encoding. */
const HOSTILE_PATH = [
  ...["\u0000", "a\u0000", "not-a-uuid", "x".repeat(3000), "-1", "0", "99999999999999999999", "😀", " ", "'"].map(encodeURIComponent),
  "%",
  "%E0%A4%A",
  "%00",
  "..%2F..",
];

class Fuzzer {
  constructor(
    private rng: Rng,
    private spec: Schema,
    private known: Record<string, string>,
  ) {}

  resolve(s: Schema | undefined): Schema {
    let cur = s ?? {};
    for (let i = 0; i < 10 && typeof cur.$ref === "string"; i++) {
      const name = cur.$ref.split("/").pop() as string;
      cur = { ...this.spec.components.schemas[name], ...Object.fromEntries(Object.entries(cur).filter(([k]) => k !== "$ref")) };
    }
    return cur;
  }

  /** A value that matches the schema as far as a generic generator can tell. */
  valid(s0: Schema | undefined, name = "", depth = 0): unknown {
    const s = this.resolve(s0);
    const { rng } = this;
    if (depth > 6) return null;
    if ("const" in s) return s.const;
    if (Array.isArray(s.enum) && s.enum.length) return rng.pick(s.enum);
    if (s.example !== undefined && rng.next() < 0.5) return s.example;
    if (Array.isArray(s.allOf)) return this.valid(Object.assign({}, ...s.allOf.map((x: Schema) => this.resolve(x))), name, depth + 1);
    const alts = s.anyOf ?? s.oneOf;
    if (Array.isArray(alts)) {
      const nonNull = alts.filter((x: Schema) => this.resolve(x).type !== "null");
      return this.valid(rng.pick(nonNull.length ? nonNull : alts), name, depth + 1);
    }
    let type = s.type;
    if (Array.isArray(type)) type = type.find((t: string) => t !== "null") ?? "null";
    if (!type) type = s.properties ? "object" : s.items ? "array" : "string";
    switch (type) {
      case "object": {
        const out: Record<string, unknown> = {};
        const required = new Set<string>(s.required ?? []);
        for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) {
          if (required.has(k) || rng.next() < 0.5) out[k] = this.valid(v, k, depth + 1);
        }
        return out;
      }
      case "array": {
        const n = Math.max(s.minItems ?? 0, rng.int(2) + (s.minItems ? 0 : 1));
        return Array.from({ length: Math.min(n, 3) }, () => this.valid(s.items, name, depth + 1));
      }
      case "integer":
      case "number":
        return typeof s.minimum === "number" ? s.minimum : type === "integer" ? 1 : 1.5;
      case "boolean":
        return rng.next() < 0.5;
      case "null":
        return null;
      default: {
        if (this.known[name] && rng.next() < 0.7) return this.known[name];
        switch (s.format) {
          case "uuid":
            return rng.uuid();
          case "email":
            return `fuzz.${rng.int(1e9)}@example.com`;
          case "date-time":
            return "2026-01-02T03:04:05.000Z";
          case "date":
            return "2026-01-02";
          case "uri":
          case "url":
            return "https://example.com/fuzz";
          default:
            return "fuzz".padEnd(s.minLength ?? 0, "z").slice(0, s.maxLength ?? 100);
        }
      }
    }
  }

  hostile(): unknown {
    return this.rng.pick(HOSTILE_VALUES);
  }

  /** Replaces, removes or adds one value somewhere inside `v`. */
  mutate(v: unknown): unknown {
    const { rng } = this;
    if (v === null || typeof v !== "object" || rng.next() < 0.15) {
      return rng.pick([this.hostile(), [], {}, [v], null, "body", 42, [{}]]);
    }
    const copy = structuredClone(v) as Record<string, unknown> | unknown[];
    const keys = Object.keys(copy);
    const r = rng.next();
    if (keys.length === 0 || r < 0.15) {
      (copy as Record<string, unknown>)[rng.pick(["extra_field", "\u0000", "__proto__", "constructor", "id"])] = this.hostile();
      return copy;
    }
    const key = rng.pick(keys);
    const target = copy as Record<string, unknown>;
    if (r < 0.3) delete target[key];
    else if (r < 0.55 && target[key] !== null && typeof target[key] === "object") target[key] = this.mutate(target[key]);
    else target[key] = this.hostile();
    return copy;
  }

  /** An encoded path segment: now and then a real resource of the workspace, else a hostile one. */
  pathValue(name: string): string {
    const { rng } = this;
    const real = this.known[name];
    if (real && rng.next() < 0.4) return encodeURIComponent(real);
    return rng.next() < 0.2 ? rng.uuid() : rng.pick(HOSTILE_PATH);
  }
}

/** Operations whose success would break the fuzzing session itself, and streams of events to sockets. */
function skipped(op: Operation): boolean {
  if (op.method === "POST" && op.path === "/api/v1/auth/logout") return true;
  // Starts a migration of the workspace: it answers 503 (migration running) meanwhile.
  if (op.path === "/api/v1/workspace-health/migrate") return true;
  // A WebSocket upgrade route: nothing to fuzz over plain HTTP.
  return op.path.endsWith("/ws");
}

function operations(spec: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries<Schema>(spec.paths)) {
    for (const [method, op] of Object.entries<Schema>(byMethod)) {
      const content = op.requestBody?.content ?? {};
      const type = Object.keys(content)[0];
      const streams = Object.values<Schema>(op.responses ?? {}).some((r) => r.content?.["text/event-stream"]);
      ops.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: type ? { type, schema: content[type].schema } : undefined,
        streams,
      });
    }
  }
  return ops;
}

interface Sent {
  method: string;
  url: string;
  contentType?: string | undefined;
  body?: string | undefined;
}

function buildRequest(f: Fuzzer, rng: Rng, op: Operation): Sent {
  // What to mutate this time: one or more of path, query, body (or nothing but the body's values).
  const hasPath = op.params.some((p) => p.in === "path");
  const hasQuery = op.params.some((p) => p.in === "query");
  const targets = new Set<string>();
  const options = [...(hasPath ? ["path"] : []), ...(hasQuery ? ["query"] : []), ...(op.body ? ["body", "body"] : [])];
  targets.add(options.length ? rng.pick(options) : "none");
  if (rng.next() < 0.3 && options.length) targets.add(rng.pick(options));

  let url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    targets.has("path") ? f.pathValue(name) : encodeURIComponent(String(f.valid({ type: "string" }, name))),
  );
  const query = new URLSearchParams();
  for (const p of op.params.filter((x) => x.in === "query")) {
    if (targets.has("query") && rng.next() < 0.6) {
      const h = f.hostile();
      query.set(p.name, (typeof h === "string" ? h : JSON.stringify(h)).slice(0, 3000));
    } else if (p.required || rng.next() < 0.3) {
      const v = f.valid(p.schema, p.name);
      query.set(p.name, typeof v === "string" ? v : JSON.stringify(v));
    }
  }
  if (targets.has("query") && rng.next() < 0.3) query.set("extra\u0000", "\u0000");
  const qs = query.toString();
  if (qs) url += `?${qs}`;

  if (!op.body) return { method: op.method, url };
  let value = f.valid(op.body.schema);
  if (targets.has("body")) value = f.mutate(value);
  if (op.body.type === "application/json") {
    // Now and then not JSON at all.
    if (targets.has("body") && rng.next() < 0.05) return { method: op.method, url, contentType: "application/json", body: "{not json" };
    return { method: op.method, url, contentType: "application/json", body: JSON.stringify(value) };
  }
  if (op.body.type === "multipart/form-data") {
    // Text fields as given; binary fields mostly as small files of a random kind, else as text.
    const boundary = "fuzzBoundary7MA4YWxkTrZu0gW";
    const parts: string[] = [];
    const fields = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    for (const [k, v] of Object.entries(fields)) {
      const schema = f.resolve(f.resolve(op.body.schema).properties?.[k]);
      const binary = schema.format === "binary" || schema.items?.format === "binary";
      if (binary && rng.next() < 0.8) {
        const name = rng.pick(["a.csv", "a.png", "a.exe", "a\u0000.csv", "", "a.json", "a.xlsx"]);
        const type = rng.pick(["text/csv", "image/png", "application/octet-stream", "application/x-msdownload"]);
        parts.push(
          `--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n${"a,b\n1,2\n".repeat(rng.int(50) + 1)}\r\n`,
        );
      } else
        parts.push(
          `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${typeof v === "string" ? v : JSON.stringify(v)}\r\n`,
        );
    }
    parts.push(`--${boundary}--\r\n`);
    return { method: op.method, url, contentType: `multipart/form-data; boundary=${boundary}`, body: parts.join("") };
  }
  return { method: op.method, url, contentType: op.body.type, body: typeof value === "string" ? value : JSON.stringify(value) };
}

const show = (req: Sent) => {
  const body = req.body && req.body.length > 300 ? `${req.body.slice(0, 300)}…` : (req.body ?? "");
  return `${req.method} ${req.url.slice(0, 300)} ${JSON.stringify(body)}`;
};

let owner: SignedUp;
let spec: Schema;
const known: Record<string, string> = {};

/** A fresh owner with a few real resources, so that some requests reach past the 404s. */
async function session() {
  owner = await signup();
  const as = { token: owner.token, workspace: owner.workspaceId };
  for (const k in known) delete known[k];
  known.user_id = owner.userId;
  known.workspace_id = owner.workspaceId;
  const me = await call("GET", "/api/v1/members/me", as);
  if (me.status === 200) known.owner_id = me.body.id;
  const rs = await call("POST", "/api/v1/recordsets", { ...as, body: { name: "Fuzz deals" } });
  if (rs.status === 201) {
    known.recordset_slug = rs.body.slug;
    known.recordset_id = rs.body.id;
    const rec = await call("POST", "/api/v1/records", { ...as, body: { recordset_id: rs.body.id, title: "Fuzz record" } });
    if (rec.status === 201) known.record_id = rec.body.id;
    const view = await call("POST", `/api/v1/recordsets/${rs.body.slug}/views`, { ...as, body: { name: "Fuzz view" } });
    if (view.status === 201) known.view_id = view.body.id;
  }
  const ch = await call("POST", "/api/v1/channels", { ...as, body: { name: "fuzz-channel" } });
  if (ch.status === 201) {
    known.channel_slug = ch.body.slug;
    known.channel_id = ch.body.id;
  }
  const task = await call("POST", "/api/v1/tasks", { ...as, body: { title: "Fuzz task" } });
  if (task.status === 201) known.task_id = task.body.id;
}

describe("fuzzing every operation in /openapi.json", () => {
  beforeAll(async () => {
    spec = (await call("GET", "/openapi.json")).body;
    await session();
  }, 60_000);

  it("answers no mutated request with a 5xx", { timeout: 180_000 }, async () => {
    const rng = prng(SEED);
    const f = new Fuzzer(rng, spec, known);
    const ops = operations(spec).filter((op) => !skipped(op));
    expect(ops.length).toBeGreaterThan(300);
    // Deletions last, so the resources they may remove serve the other operations first.
    ops.sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
    const failures: string[] = [];
    let sent = 0;
    for (let at = 0; at < ops.length; at += BATCH) {
      // Built in order (deterministic), sent concurrently.
      const batch = ops
        .slice(at, at + BATCH)
        .flatMap((op) => Array.from({ length: ROUNDS }, () => ({ op, req: buildRequest(f, rng, op) })));
      await Promise.all(
        batch.map(async ({ op, req }) => {
          const headers: Record<string, string> = { authorization: `Bearer ${owner.token}`, "x-workspace-id": owner.workspaceId };
          if (req.contentType) headers["content-type"] = req.contentType;
          const res = await Promise.race([
            raw(req.url, { method: req.method, headers, ...(req.body !== undefined ? { body: req.body } : {}) }),
            scheduler.wait(HANG_MS).then(() => null),
          ]);
          sent++;
          if (!res) {
            failures.push(`${op.method} ${op.path} → no answer in ${HANG_MS / 1000} s\n    ${show(req)}`);
            return;
          }
          // Streams: the status is enough; the events are not read.
          const streamed = (res.headers.get("content-type") ?? "").includes("text/event-stream");
          if (streamed) await res.body?.cancel();
          const text = streamed ? "" : await res.text();
          if (res.status >= 500) failures.push(`${op.method} ${op.path} → ${res.status} ${text.slice(0, 200)}\n    ${show(req)}`);
        }),
      );
      // The fuzzing may have changed the session itself (own role, password, …): start over.
      const me = await call("GET", "/api/v1/members/me", { token: owner.token, workspace: owner.workspaceId });
      if (me.status !== 200) await session();
    }
    expect(failures, `${failures.length} of ${sent} requests answered 5xx:\n${failures.join("\n")}`).toEqual([]);
  });
});
