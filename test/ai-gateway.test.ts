// The AI gateway (src/platform/ai) through the real app and the real `openai` SDK against the
// local model server (scripts/ai-server.ts): sync and streaming, tool calls, extraction with a
// repair retry, usage and credits recorded once per call, 402 before any provider call, provider
// failures (502), timeouts (504), cut streams (incomplete), test-mode keys, the monthly grant.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEV_MODEL } from "../scripts/ai-server";
import { chat, chatStream, embed, periodOf } from "../src/platform/ai";
import { aiCreditLedger } from "../src/platform/ai/credit-tables";
import { aiUsage } from "../src/platform/ai/tables";
import { tierOf } from "../src/platform/billing/tiers";
import { createContext, type ServiceContext } from "../src/platform/context";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, env, readSse, type SignedUp, signup, withControl, withDb } from "./harness";

const tenantUrl = (ws: string) => databaseUrl(`ws_${ws.replace(/-/g, "")}`);
const withTenant = <T>(ws: string, f: (db: Db) => Promise<T>) => withDb(tenantUrl(ws), f);
const serverUrl = () => inject("stack").aiUrl.replace(/\/v1$/, "");
const marker = () => `mk-${crypto.randomUUID()}`;

async function script(match: string, replies: Record<string, unknown>[]) {
  const r = await fetch(`${serverUrl()}/__script`, { method: "POST", body: JSON.stringify({ match, replies }) });
  expect(r.status).toBe(200);
}
/** How many model-server requests matched a script: proves whether the provider was called. */
async function requestsMatching(match: string): Promise<number> {
  const r = await fetch(`${serverUrl()}/__script/${encodeURIComponent(match)}`);
  return ((await r.json()) as { requests: number }).requests;
}

const usageFor = (ws: string, requestId: string | null) =>
  withTenant(ws, (db) =>
    db
      .select()
      .from(aiUsage)
      .where(eq(aiUsage.requestId, requestId ?? "")),
  );
const ledger = (ws: string) =>
  withControl((db) => db.select().from(aiCreditLedger).where(eq(aiCreditLedger.workspaceId, ws)).orderBy(aiCreditLedger.createdAt));
const balance = async (ws: string) => (await ledger(ws)).reduce((s, l) => s + l.amount, 0);

/** Spends a workspace's whole balance (after its lazy monthly grant), as if it had used it up. */
async function drain(who: SignedUp) {
  const u = await call("GET", "/api/v1/ai/llm/usage", { token: who.token, workspace: who.workspaceId });
  expect(u.status).toBe(200);
  const b = u.body.credits.balance as number;
  await withControl((db) =>
    db.insert(aiCreditLedger).values({ workspaceId: who.workspaceId, kind: "consumption", amount: -b, note: "test: drained" }),
  );
  expect(await balance(who.workspaceId)).toBe(0);
}

const post = (who: SignedUp, path: string, body: unknown) => call("POST", path, { token: who.token, workspace: who.workspaceId, body });

let owner: SignedUp;
beforeAll(async () => {
  owner = await signup();
});

describe("chat through the gateway", () => {
  it("completes synchronously with the dev model, recording usage and credits once", async () => {
    const m = marker();
    const r = await post(owner, "/api/v1/ai/llm/complete", { prompt: `hello ${m}`, model: DEV_MODEL });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      content: `[${DEV_MODEL} development model] You said: hello ${m}`,
      model: DEV_MODEL,
      finish_reason: "stop",
    });
    expect(r.body.usage.total_tokens).toBe(r.body.usage.prompt_tokens + r.body.usage.completion_tokens);
    expect(r.body.credits).toBeGreaterThan(0);
    const rows = await usageFor(owner.workspaceId, r.headers.get("x-request-id"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      model: DEV_MODEL,
      operation: "completion",
      status: "ok",
      credits: r.body.credits,
      actorKind: "user",
      userId: owner.userId,
      promptTokens: r.body.usage.prompt_tokens,
      completionTokens: r.body.usage.completion_tokens,
    });
    expect(rows[0]!.memberId).toBeTruthy();
    const entries = (await ledger(owner.workspaceId)).filter((l) => l.usageId === rows[0]!.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: "consumption", amount: -r.body.credits, operation: "completion", model: DEV_MODEL });
  });

  it("streams SSE chunks, then done with usage; recorded once", async () => {
    const m = marker();
    const res = await post(owner, "/api/v1/ai/llm/complete/stream", { prompt: `stream ${m}` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("content-encoding")).toBe("identity");
    const events = await readSse(res.response);
    const last = events.at(-1)!.data;
    expect(last).toMatchObject({ content: "", done: true, incomplete: false, model: DEV_MODEL, finish_reason: "stop" });
    const text = events
      .slice(0, -1)
      .map((e) => e.data.content)
      .join("");
    expect(text).toBe(`[${DEV_MODEL} development model] You said: stream ${m}`);
    expect(events.slice(0, -1).every((e) => e.data.done === false)).toBe(true);
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i + 1));
    const rows = await usageFor(owner.workspaceId, res.headers.get("x-request-id"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ operation: "completion_stream", status: "ok", credits: last.credits });
    expect((await ledger(owner.workspaceId)).filter((l) => l.usageId === rows[0]!.id)).toHaveLength(1);
  });

  it("uses the workspace's default model from the ai module settings", async () => {
    const who = await signup();
    const set = await call("PUT", "/api/v1/modules/ai", {
      token: who.token,
      workspace: who.workspaceId,
      body: { settings: { default_model: DEV_MODEL } },
    });
    expect(set.status).toBe(200);
    const r = await post(who, "/api/v1/ai/llm/complete", { prompt: "which model?" });
    expect(r.body.model).toBe(DEV_MODEL);
    const models = await call("GET", "/api/v1/ai/llm/models", { token: who.token, workspace: who.workspaceId });
    expect(models.body.default_model).toBe(DEV_MODEL);
    expect(models.body.models.find((x: { is_default: boolean }) => x.is_default).id).toBe(DEV_MODEL);
  });

  it("a changed default model applies at once (the isolate's cache is cleared on the settings write)", async () => {
    const who = await signup();
    const opts = { token: who.token, workspace: who.workspaceId };
    const setDefault = (model: string) => call("PUT", "/api/v1/modules/ai", { ...opts, body: { settings: { default_model: model } } });
    expect((await setDefault(DEV_MODEL)).status).toBe(200);
    expect((await call("GET", "/api/v1/ai/llm/models", opts)).body.default_model).toBe(DEV_MODEL);
    expect((await setDefault("gpt-4o-mini")).status).toBe(200);
    expect((await call("GET", "/api/v1/ai/llm/models", opts)).body.default_model).toBe("gpt-4o-mini");
    expect((await setDefault(DEV_MODEL)).status).toBe(200);
    expect((await post(who, "/api/v1/ai/llm/complete", { prompt: "which model now?" })).body.model).toBe(DEV_MODEL);
  });

  it("scripted replies: delay and chunk delay still stream every chunk in order", async () => {
    const m = marker();
    await script(m, [{ content: "one two three four", delay_ms: 50, chunk_delay_ms: 20 }]);
    const res = await post(owner, "/api/v1/ai/llm/complete/stream", { prompt: `scripted ${m}` });
    const events = await readSse(res.response);
    expect(
      events
        .slice(0, -1)
        .map((e) => e.data.content)
        .join(""),
    ).toBe("one two three four");
    expect(events.at(-1)!.data).toMatchObject({ done: true, incomplete: false });
  });
});

describe("gateway faults", () => {
  it("provider 500 → 502 ai_provider_error; recorded as error, nothing charged", async () => {
    const m = marker();
    await script(m, [{ status: 500 }]);
    const before = await balance(owner.workspaceId);
    const r = await post(owner, "/api/v1/ai/llm/complete", { prompt: `fail ${m}` });
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ code: "ai_provider_error" });
    expect(typeof r.body.request_id).toBe("string");
    expect(await requestsMatching(m)).toBe(1);
    const rows = await usageFor(owner.workspaceId, r.headers.get("x-request-id"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "error", errorCode: "ai_provider_error", credits: 0 });
    expect(await balance(owner.workspaceId)).toBe(before);

    const s = await post(owner, "/api/v1/ai/llm/complete/stream", { prompt: `fail ${m}` });
    expect(s.status).toBe(502);
    expect(s.body.code).toBe("ai_provider_error");
    expect(await balance(owner.workspaceId)).toBe(before);
  });

  it("a model server that never answers → 504 ai_provider_timeout, nothing charged", async () => {
    const m = marker();
    await script(m, [{ hang: true }]);
    const before = await balance(owner.workspaceId);
    const r = await post(owner, "/api/v1/ai/llm/complete", { prompt: `hang ${m}` });
    expect(r.status).toBe(504);
    expect(r.body.code).toBe("ai_provider_timeout");
    const rows = await usageFor(owner.workspaceId, r.headers.get("x-request-id"));
    expect(rows[0]).toMatchObject({ status: "error", errorCode: "ai_provider_timeout", credits: 0 });
    expect(await balance(owner.workspaceId)).toBe(before);
  });

  it("a stream cut mid-way ends with done + incomplete, keeps the text and records it once as incomplete", async () => {
    const m = marker();
    await script(m, [{ content: "alpha beta gamma delta epsilon zeta", cut_after: 3 }]);
    const res = await post(owner, "/api/v1/ai/llm/complete/stream", { prompt: `cut ${m}` });
    expect(res.status).toBe(200);
    const events = await readSse(res.response);
    const last = events.at(-1)!.data;
    expect(last).toMatchObject({ done: true, incomplete: true, finish_reason: "incomplete" });
    // Chunks: the role chunk (empty), "alpha ", "beta ".
    expect(
      events
        .slice(0, -1)
        .map((e) => e.data.content)
        .join(""),
    ).toBe("alpha beta ");
    const rows = await usageFor(owner.workspaceId, res.headers.get("x-request-id"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "incomplete", credits: last.credits });
    expect((await ledger(owner.workspaceId)).filter((l) => l.usageId === rows[0]!.id)).toHaveLength(last.credits > 0 ? 1 : 0);
  });

  it("unknown model → 422 listing the valid ones; prompt over the context window → 413; no provider call", async () => {
    const m = marker();
    await script(m, [{ content: "should not be asked" }]);
    const bad = await post(owner, "/api/v1/ai/llm/complete", { prompt: `x ${m}`, model: "gpt-9-ultra" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ loc: ["body", "model"], type: "unknown_model" });
    expect(bad.body.detail[0].msg).toContain(DEV_MODEL);
    expect(bad.body.detail[0].msg).toContain("gpt-4o-mini");
    const big = await post(owner, "/api/v1/ai/llm/complete", { prompt: `${m} ${"word ".repeat(30_000)}`, model: DEV_MODEL });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe("payload_too_large");
    expect(await requestsMatching(m)).toBe(0);
    expect(await usageFor(owner.workspaceId, big.headers.get("x-request-id"))).toHaveLength(0);
  });
});

describe("credits", () => {
  it("402 insufficient_credits before any provider call (sync, stream, extract, image); nothing recorded", async () => {
    const who = await signup();
    await drain(who);
    const m = marker();
    await script(m, [{ content: "never" }]);
    const paths: [string, unknown][] = [
      ["/api/v1/ai/llm/complete", { prompt: `p ${m}` }],
      ["/api/v1/ai/llm/complete/stream", { prompt: `p ${m}` }],
      ["/api/v1/ai/llm/extract", { text: `t ${m}`, schema: { type: "object", properties: { a: { type: "string" } } } }],
      ["/api/v1/ai/image/generate", { prompt: `i ${m}` }],
    ];
    for (const [path, body] of paths) {
      const r = await post(who, path, body);
      expect(r.status, path).toBe(402);
      expect(r.body.code).toBe("insufficient_credits");
    }
    expect(await requestsMatching(m)).toBe(0);
    expect(await withTenant(who.workspaceId, (db) => db.select().from(aiUsage))).toHaveLength(0);
    expect(await balance(who.workspaceId)).toBe(0);
  });

  it("a new workspace gets its tier's monthly grant exactly once, even under concurrent first calls", async () => {
    const who = await signup();
    expect(await ledger(who.workspaceId)).toHaveLength(0);
    const rs = await Promise.all([1, 2, 3].map((i) => post(who, "/api/v1/ai/llm/complete", { prompt: `first ${i}`, model: DEV_MODEL })));
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
    const rows = await ledger(who.workspaceId);
    const grants = rows.filter((l) => l.kind === "grant");
    expect(grants).toHaveLength(1);
    const usage = await call("GET", "/api/v1/ai/llm/usage", { token: who.token, workspace: who.workspaceId });
    const grant = tierOf(usage.body.credits.plan).limits.ai_credits!;
    expect(grants[0]).toMatchObject({ amount: grant, reference: `grant:${periodOf().key}` });
    expect(rows.filter((l) => l.kind === "consumption")).toHaveLength(3);
    const spent = rs.reduce((s, r) => s + (r.body.credits as number), 0);
    expect(await balance(who.workspaceId)).toBe(grant - spent);
    expect(usage.body.credits.balance).toBe(grant - spent);
  });

  it("test-mode API keys consume nothing (recorded in usage with 0 credits); live keys pay", async () => {
    const who = await signup();
    const mk = async (mode: string) => {
      const r = await post(who, "/api/v1/api-keys", { name: `ai ${mode}`, mode, scopes: ["read", "write"] });
      expect(r.status).toBe(201);
      return r.body.key as string;
    };
    const [testKey, liveKey] = [await mk("test"), await mk("live")];
    await drain(who);
    const t = await call("POST", "/api/v1/ai/llm/complete", { token: testKey, body: { prompt: "free?" } });
    expect(t.status).toBe(200);
    expect(t.body.credits).toBe(0);
    const rows = await usageFor(who.workspaceId, t.headers.get("x-request-id"));
    expect(rows[0]).toMatchObject({ actorKind: "api_key", credits: 0, status: "ok" });
    expect(rows[0]!.apiKeyId).toBeTruthy();
    expect(await balance(who.workspaceId)).toBe(0);
    const l = await call("POST", "/api/v1/ai/llm/complete", { token: liveKey, body: { prompt: "paid" } });
    expect(l.status).toBe(402);
  });
});

describe("structured extraction", () => {
  const schema = {
    type: "object",
    properties: { name: { type: "string" }, age: { type: "integer" }, email: { type: "string" } },
    required: ["name", "email"],
  };

  it("returns a schema-valid object (dev model fills it deterministically)", async () => {
    const r = await post(owner, "/api/v1/ai/llm/extract", { text: `Ada, 36, ada@example.com ${marker()}`, schema });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ attempts: 1, data: { name: expect.any(String), email: expect.any(String), age: expect.any(Number) } });
    const rows = await usageFor(owner.workspaceId, r.headers.get("x-request-id"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ operation: "extract", status: "ok", credits: r.body.credits });
  });

  it("invalid once → repaired on the retry; one usage row with both attempts' tokens", async () => {
    const m = marker();
    await script(m, [{ content: '{"name": 42}' }, { content: '{"name": "Ada", "email": "ada@example.com", "age": 36}' }]);
    const r = await post(owner, "/api/v1/ai/llm/extract", { text: `Ada ${m}`, schema });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ attempts: 2, data: { name: "Ada", email: "ada@example.com", age: 36 } });
    expect(await requestsMatching(m)).toBe(2);
    const rows = await usageFor(owner.workspaceId, r.headers.get("x-request-id"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.promptTokens).toBe(r.body.usage.prompt_tokens);
  });

  it("invalid twice → 422 extraction_failed; recorded as error, nothing charged", async () => {
    const m = marker();
    await script(m, [{ content: "not json at all" }, { content: '{"name": "Ada"}' }]);
    const before = await balance(owner.workspaceId);
    const r = await post(owner, "/api/v1/ai/llm/extract", { text: `Ada ${m}`, schema });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe("extraction_failed");
    expect(r.body.detail).toContain("email");
    expect(await requestsMatching(m)).toBe(2);
    const rows = await usageFor(owner.workspaceId, r.headers.get("x-request-id"));
    expect(rows[0]).toMatchObject({ status: "error", errorCode: "extraction_failed", credits: 0 });
    expect(await balance(owner.workspaceId)).toBe(before);
  });

  it("a schema that is not an object schema → 422 at body.schema, no provider call", async () => {
    const m = marker();
    await script(m, [{ content: "{}" }]);
    const r = await post(owner, "/api/v1/ai/llm/extract", { text: `x ${m}`, schema: { type: "string" } });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "schema"]);
    expect(await requestsMatching(m)).toBe(0);
  });
});

describe("gateway API (chat, chatStream, embed) with tool calls", () => {
  let ctx: ServiceContext;
  beforeAll(() => {
    ctx = createContext({
      env,
      requestId: `gw-${crypto.randomUUID()}`,
      actor: { kind: "user", userId: owner.userId, email: owner.email },
      waitUntil: () => {},
    });
    ctx.bindTenant({ id: owner.workspaceId, role: "owner", membershipId: owner.workspaceId }, tenantUrl(owner.workspaceId));
  });
  afterAll(async () => {
    await ctx.connections.close();
  });
  const tools = [
    {
      name: "create_task",
      description: "Create a task",
      parameters: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
    },
  ];

  it("chat() returns tool calls, and takes tool results back", async () => {
    const m = marker();
    await script(m, [
      { tool_calls: [{ name: "create_task", arguments: { title: "Write the report" } }] },
      { content: "Done: task created." },
    ]);
    const first = await chat(ctx, {
      operation: "agent",
      model: DEV_MODEL,
      messages: [{ role: "user", content: `make a task ${m}` }],
      tools,
    });
    expect(first.finishReason).toBe("tool_calls");
    expect(first.toolCalls).toHaveLength(1);
    expect(first.toolCalls[0]).toMatchObject({ name: "create_task" });
    expect(JSON.parse(first.toolCalls[0]!.arguments)).toEqual({ title: "Write the report" });
    const second = await chat(ctx, {
      operation: "agent",
      model: DEV_MODEL,
      tools,
      messages: [
        { role: "user", content: `make a task ${m}` },
        { role: "assistant", content: null, tool_calls: first.toolCalls },
        { role: "tool", tool_call_id: first.toolCalls[0]!.id, content: '{"ok":true}' },
      ],
    });
    expect(second.text).toBe("Done: task created.");
    expect(second.credits).toBeGreaterThan(0);
  });

  it("chatStream() yields deltas, assembled tool calls and one done", async () => {
    const m = marker();
    await script(m, [
      { content: "Let me do that. ", tool_calls: [{ name: "create_task", arguments: { title: "A fairly long task title to split" } }] },
    ]);
    const events = [];
    for await (const e of chatStream(ctx, {
      operation: "agent",
      model: DEV_MODEL,
      messages: [{ role: "user", content: `task ${m}` }],
      tools,
    }))
      events.push(e);
    const deltas = events.filter((e) => e.type === "delta");
    const calls = events.filter((e) => e.type === "tool_call");
    const done = events.filter((e) => e.type === "done");
    expect(deltas.map((e) => (e.type === "delta" ? e.content : "")).join("")).toBe("Let me do that. ");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.type === "tool_call" && JSON.parse(calls[0]!.call.arguments)).toEqual({ title: "A fairly long task title to split" });
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ incomplete: false, result: { finishReason: "tool_calls", model: DEV_MODEL } });
  });

  it("chatStream() throws 402/422 before yielding anything", async () => {
    await expect(
      chatStream(ctx, { operation: "x", model: "nope", messages: [{ role: "user", content: "hi" }] }).next(),
    ).rejects.toMatchObject({
      status: 422,
    });
  });

  it("a consumer that stops early still records the call once, as incomplete", async () => {
    const m = marker();
    await script(m, [{ content: "a b c d e f g h", chunk_delay_ms: 10 }]);
    const requestId = `gw-${crypto.randomUUID()}`;
    const c2 = createContext({ env, requestId, actor: ctx.actor, waitUntil: () => {} });
    c2.bindTenant(ctx.workspace!, tenantUrl(owner.workspaceId));
    for await (const e of chatStream(c2, { operation: "agent", model: DEV_MODEL, messages: [{ role: "user", content: `early ${m}` }] })) {
      if (e.type === "delta" && e.content) break;
    }
    await c2.connections.close();
    const rows = await usageFor(owner.workspaceId, requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe("incomplete");
  });

  it("embed() returns deterministic vectors in input order", async () => {
    const a = await embed(ctx, { input: ["alpha", "beta"] });
    const b = await embed(ctx, { input: ["beta"] });
    expect(a.model).toBe("text-embedding-3-small");
    expect(a.vectors).toHaveLength(2);
    expect(a.vectors[1]).toEqual(b.vectors[0]);
    expect(a.vectors[0]).not.toEqual(a.vectors[1]);
    expect(Math.hypot(...a.vectors[0]!)).toBeCloseTo(1, 3);
  });
});
