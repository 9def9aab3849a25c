// The ai module's 16 endpoints (AI - LLM, RAG, Image, Vision, Transcription, Prompts, Assistant)
// through the real app, against the local model server via the real `openai` SDK.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DEV_MODEL } from "../scripts/ai-server";
import { aiUsage } from "../src/platform/ai/tables";
import type { Db } from "../src/platform/db";
import { workspaces } from "../src/platform/identity/tables";
import { call, databaseUrl, type Joined, join, raw, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const withTenant = <T>(ws: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${ws.replace(/-/g, "")}`), f);
const usageCount = async (ws: string) => (await withTenant(ws, (db) => db.select({ id: aiUsage.id }).from(aiUsage))).length;

// A 1×1 PNG.
const PNG_DATA_URL =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

let owner: SignedUp;
let admin: Joined;
let member: Joined;
let viewer: Joined;
let ws: string;

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [admin, member, viewer] = await Promise.all([join(owner, "admin"), join(owner, "member"), join(owner, "viewer")]);
});

type Who = { token: string };
const req = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });

describe("AI - LLM", () => {
  it("lists chat models with prices, context windows, capabilities and the default", async () => {
    const r = await req(member, "GET", "/api/v1/ai/llm/models");
    expect(r.status).toBe(200);
    const ids = r.body.models.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining([DEV_MODEL, "gpt-4o-mini", "gpt-4o", "claude-sonnet-4-5"]));
    expect(ids).not.toContain("dall-e-3");
    const mini = r.body.models.find((m: { id: string }) => m.id === "gpt-4o-mini");
    expect(mini).toMatchObject({
      provider: "openai",
      context_window: 128000,
      input_price_per_million: 0.15,
      output_price_per_million: 0.6,
      capabilities: { streaming: true, vision: true, tools: true, json_schema: true },
      is_default: true,
    });
    expect(mini.input_price_per_token).toBeCloseTo(0.15e-6, 12);
    expect(r.body.default_model).toBe("gpt-4o-mini");
  });

  it("members complete; viewers may not (403) and nothing is recorded", async () => {
    const ok = await req(member, "POST", "/api/v1/ai/llm/complete", {
      prompt: "hi from a member",
      system_prompt: "Be brief.",
      max_tokens: 100,
      temperature: 0.2,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.content).toBe(`[${DEV_MODEL} development model] You said: hi from a member`);
    expect(ok.body.estimated_cost).toBeGreaterThan(0);
    const before = await usageCount(ws);
    for (const path of ["/api/v1/ai/llm/complete", "/api/v1/ai/llm/complete/stream"]) {
      const no = await req(viewer, "POST", path, { prompt: "hi" });
      expect(no.status, path).toBe(403);
    }
    expect(await usageCount(ws)).toBe(before);
  });

  it("uses earlier turns and a prompt context", async () => {
    const r = await req(owner, "POST", "/api/v1/ai/llm/complete", {
      prompt: "and now?",
      prompt_context: "general_assistant",
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.content).toContain("You said: and now?");
    const bad = await req(owner, "POST", "/api/v1/ai/llm/complete", { prompt: "x", prompt_context: "nope" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "prompt_context"]);
  });

  it("bad input → 422 in the platform shape, nothing recorded", async () => {
    const before = await usageCount(ws);
    for (const body of [{}, { prompt: "" }, { prompt: "x", temperature: 3 }, { prompt: "x", max_tokens: 0 }, { prompt: 5 }]) {
      const r = await req(owner, "POST", "/api/v1/ai/llm/complete", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error", request_id: expect.any(String) });
      expect(r.body.detail[0]).toMatchObject({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
    }
    const e = await req(owner, "POST", "/api/v1/ai/llm/extract", { text: "x" });
    expect(e.status).toBe(422);
    expect(await usageCount(ws)).toBe(before);
  });

  it("usage: totals, by model, by operation, by day, filters; owners/admins only", async () => {
    const who = await signup();
    const p = (body: unknown, path = "/api/v1/ai/llm/complete") =>
      call("POST", path, { token: who.token, workspace: who.workspaceId, body });
    await p({ prompt: "one", model: DEV_MODEL });
    await p({ prompt: "two" });
    await p({ text: "Ada", schema: { type: "object", properties: { name: { type: "string" } } } }, "/api/v1/ai/llm/extract");
    const u = await call("GET", "/api/v1/ai/llm/usage", { token: who.token, workspace: who.workspaceId });
    expect(u.status).toBe(200);
    expect(u.body.totals.requests).toBe(3);
    expect(u.body.totals.total_tokens).toBe(u.body.totals.prompt_tokens + u.body.totals.completion_tokens);
    expect(u.body.by_model.map((x: { model: string }) => x.model).sort()).toEqual([DEV_MODEL, "gpt-4o-mini"]);
    expect(u.body.by_operation.map((x: { operation: string; requests: number }) => [x.operation, x.requests])).toEqual([
      ["completion", 2],
      ["extract", 1],
    ]);
    const today = new Date().toISOString().slice(0, 10);
    expect(u.body.daily).toEqual([expect.objectContaining({ date: today, requests: 3 })]);
    expect(u.body.totals.credits).toBe(u.body.by_operation.reduce((s: number, x: { credits: number }) => s + x.credits, 0));
    const f = await call("GET", `/api/v1/ai/llm/usage?model=${DEV_MODEL}&operation_type=completion&start_date=${today}&end_date=${today}`, {
      token: who.token,
      workspace: who.workspaceId,
    });
    expect(f.body.totals.requests).toBe(1);
    const past = await call("GET", "/api/v1/ai/llm/usage?start_date=2020-01-01&end_date=2020-01-31", {
      token: who.token,
      workspace: who.workspaceId,
    });
    expect(past.body.totals.requests).toBe(0);
    const bad = await call("GET", "/api/v1/ai/llm/usage?start_date=yesterday", { token: who.token, workspace: who.workspaceId });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["query", "start_date"]);

    expect((await req(admin, "GET", "/api/v1/ai/llm/usage")).status).toBe(200);
    expect((await req(member, "GET", "/api/v1/ai/llm/usage")).status).toBe(403);
  });
});

describe("AI - RAG and AI Prompts", () => {
  it("RAG health reports the service (the workspace's index freshness is tested in knowledge.test.ts)", async () => {
    const r = await call("GET", "/api/v1/ai/rag/health", { token: member.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", rag_enabled: true, embedding_model: "text-embedding-3-small", index: null });
  });

  it("lists prompt contexts and returns one; unknown → 404", async () => {
    const l = await call("GET", "/api/v1/ai/prompts", { token: member.token });
    expect(l.status).toBe(200);
    expect(l.body.contexts).toEqual(expect.arrayContaining(["chat", "real_estate_analyzer", "underwriting_creator", "educational_tutor"]));
    expect(l.body.total).toBe(l.body.contexts.length);
    const g = await call("GET", "/api/v1/ai/prompts/chat", { token: member.token });
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ context: "chat", version: "1", system_prompt: expect.stringContaining("Atrium") });
    const n = await call("GET", "/api/v1/ai/prompts/does-not-exist", { token: member.token });
    expect(n.status).toBe(404);
  });
});

describe("AI - Image", () => {
  it("lists image models with the plan's monthly limit", async () => {
    const r = await req(member, "GET", "/api/v1/ai/image/models");
    expect(r.status).toBe(200);
    expect(r.body.models.map((m: { id: string }) => m.id)).toEqual([DEV_MODEL, "gpt-image-1", "dall-e-3"]);
    expect(r.body).toMatchObject({
      default_model: "gpt-image-1",
      limits: { plan: expect.any(String), used_this_month: expect.any(Number) },
    });
  });

  it("generates images into R2 and returns signed URLs that download the PNG", async () => {
    const r = await req(member, "POST", "/api/v1/ai/image/generate", { prompt: "a lighthouse at dawn", n: 2, size: "1024x1024" });
    expect(r.status).toBe(200);
    expect(r.body.images).toHaveLength(2);
    expect(r.body).toMatchObject({ model: "gpt-image-1", credits: 40, prompt: "a lighthouse at dawn" });
    expect(r.body.images[0].revised_prompt).toContain("development model");
    const u = new URL(r.body.images[0].url);
    const file = await raw(`${u.pathname}${u.search}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const dalle = await req(member, "POST", "/api/v1/ai/image/generate", { prompt: "a cat", model: "dall-e-3" });
    expect(dalle.status).toBe(200);
    const notImage = await req(member, "POST", "/api/v1/ai/image/generate", { prompt: "a cat", model: "gpt-4o" });
    expect(notImage.status).toBe(422);
    expect(notImage.body.detail[0].msg).toContain("gpt-image-1");
    expect((await req(viewer, "POST", "/api/v1/ai/image/generate", { prompt: "x" })).status).toBe(403);
    expect((await req(member, "POST", "/api/v1/ai/image/generate", { prompt: "x", n: 9 })).status).toBe(422);
  });

  it("the plan's monthly image limit is a 402 before the model is called", async () => {
    const who = await signup();
    await withControl((db) => db.update(workspaces).set({ plan: "trial" }).where(eq(workspaces.id, who.workspaceId)));
    const gen = (n: number) =>
      call("POST", "/api/v1/ai/image/generate", { token: who.token, workspace: who.workspaceId, body: { prompt: "p", n } });
    for (const n of [4, 4]) expect((await gen(n)).status).toBe(200);
    const first = await gen(4);
    expect(first.status).toBe(402);
    expect(first.body.code).toBe("limit_exceeded");
    expect((await gen(2)).status).toBe(200);
    const over = await gen(1);
    expect(over.status).toBe(402);
    expect(over.body.code).toBe("limit_exceeded");
    expect(over.body.limit).toMatchObject({ type: "image_generations", limit: 10, used: 10, requested: 1 });
    const models = await call("GET", "/api/v1/ai/image/models", { token: who.token, workspace: who.workspaceId });
    expect(models.body.limits).toEqual({ plan: "trial", images_per_month: 10, used_this_month: 10 });
  });
});

describe("AI - Vision", () => {
  it("analyzes 1–5 data-URL images", async () => {
    const r = await req(member, "POST", "/api/v1/ai/vision/analyze", { prompt: "What is this?", images: [PNG_DATA_URL, PNG_DATA_URL] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ analysis: `[${DEV_MODEL} development model] You said: What is this? (with 2 images)`, image_count: 2 });
    expect(r.body.credits).toBeGreaterThan(0);
    const rows = await withTenant(ws, (db) =>
      db
        .select()
        .from(aiUsage)
        .where(eq(aiUsage.requestId, r.headers.get("x-request-id") ?? "")),
    );
    expect(rows[0]).toMatchObject({ operation: "vision", status: "ok" });
  });

  it("rejects 0 or 6 images, non-data URLs and non-vision models (422); viewers 403", async () => {
    for (const images of [[], Array(6).fill(PNG_DATA_URL), ["https://example.com/a.png"]]) {
      const r = await req(member, "POST", "/api/v1/ai/vision/analyze", { prompt: "x", images });
      expect(r.status).toBe(422);
    }
    const url = await req(member, "POST", "/api/v1/ai/vision/analyze", { prompt: "x", images: [PNG_DATA_URL, "not a data url"] });
    expect(url.body.detail[0].loc).toEqual(["body", "images", 1]);
    const m = await req(member, "POST", "/api/v1/ai/vision/analyze", { prompt: "x", images: [PNG_DATA_URL], model: "whisper-1" });
    expect(m.status).toBe(422);
    expect((await req(viewer, "POST", "/api/v1/ai/vision/analyze", { prompt: "x", images: [PNG_DATA_URL] })).status).toBe(403);
  });
});

describe("AI - Transcription", () => {
  const upload = (who: Who, file: File | null, extra: Record<string, string> = {}) => {
    const form = new FormData();
    if (file) form.append("file", file);
    for (const [k, v] of Object.entries(extra)) form.append(k, v);
    return call("POST", "/api/v1/ai/transcription/transcribe", { token: who.token, workspace: ws, raw: form });
  };

  it("transcribes an audio upload", async () => {
    const r = await upload(member, new File([new Uint8Array(32_000)], "standup.webm", { type: "audio/webm" }), { language: "en" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      text: `[${DEV_MODEL} development model] transcript of standup.webm (32000 bytes)`,
      filename: "standup.webm",
      size_bytes: 32000,
      model: "whisper-1",
      duration_seconds: 2,
      language: "en",
    });
    expect(r.body.credits).toBe(5);
  });

  it("413 above 25 MB, 415 for non-audio, 422 without a file, 403 for viewers", async () => {
    const big = await upload(member, new File([new Uint8Array(25 * 1024 * 1024 + 1)], "long.mp3", { type: "audio/mpeg" }));
    expect(big.status).toBe(413);
    const txt = await upload(member, new File(["hello"], "notes.txt", { type: "text/plain" }));
    expect(txt.status).toBe(415);
    const none = await upload(member, null, { language: "en" });
    expect(none.status).toBe(422);
    const v = await upload(viewer, new File([new Uint8Array(10)], "a.wav"));
    expect(v.status).toBe(403);
  });
});

describe("AI Assistant", () => {
  it("general assistant answers with the chosen assistant's prompt", async () => {
    const r = await req(member, "POST", "/api/v1/ai/assistant", {
      message: "Is a 6% cap rate good?",
      assistant_type: "deal_evaluator",
      context: { market: "Austin" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ assistant_type: "deal_evaluator", response: expect.stringContaining("Is a 6% cap rate good?") });
    const rows = await withTenant(ws, (db) =>
      db
        .select()
        .from(aiUsage)
        .where(eq(aiUsage.requestId, r.headers.get("x-request-id") ?? "")),
    );
    expect(rows[0]!.operation).toBe("assistant.deal_evaluator");
    expect((await req(member, "POST", "/api/v1/ai/assistant", { message: "x", assistant_type: "poet" })).status).toBe(422);
  });

  it("explain returns a structured explanation", async () => {
    const r = await req(member, "POST", "/api/v1/ai/assistant/explain", { concept: "Net operating income", level: "beginner" });
    expect(r.status).toBe(200);
    expect(r.body.analysis).toMatchObject({
      concept: expect.any(String),
      summary: expect.any(String),
      steps: [expect.objectContaining({ title: expect.any(String), explanation: expect.any(String) })],
      examples: expect.any(Array),
      follow_up_questions: expect.any(Array),
    });
  });

  it("real estate analysis: metrics computed by Atrium, structured review by the model", async () => {
    const r = await req(member, "POST", "/api/v1/ai/assistant/real-estate/analyze", {
      address: "1 Main St",
      purchase_price: 1_000_000,
      monthly_rent: 10_000,
      annual_expenses: 45_600,
      units: 10,
      interest_rate: 0,
      down_payment_percent: 100,
    });
    expect(r.status).toBe(200);
    expect(r.body.metrics).toMatchObject({
      gross_annual_rent: 120000,
      effective_gross_income: 114000,
      net_operating_income: 68400,
      cap_rate_percent: 6.84,
      annual_debt_service: 0,
      annual_cash_flow: 68400,
      cash_on_cash_percent: 6.84,
      price_per_unit: 100000,
    });
    expect(["buy", "negotiate", "pass"]).toContain(r.body.analysis.recommendation);
    expect(r.body.analysis.risks).toEqual(expect.any(Array));
    expect((await req(member, "POST", "/api/v1/ai/assistant/real-estate/analyze", { purchase_price: -1 })).status).toBe(422);
  });

  it("underwriting: 10-year pro forma, IRR/NPV, exit and sensitivity, reviewed by the model", async () => {
    const r = await req(member, "POST", "/api/v1/ai/assistant/underwriting", {
      property_name: "Elm Court",
      purchase_price: 2_000_000,
      gross_potential_rent: 240_000,
      operating_expenses: 90_000,
      interest_rate: 6.5,
    });
    expect(r.status).toBe(200);
    const m = r.body.metrics;
    expect(m.pro_forma).toHaveLength(10);
    expect(m.pro_forma[0]).toMatchObject({ year: 1, gross_potential_rent: 240000, vacancy_loss: 12000, net_operating_income: 138000 });
    expect(m.pro_forma[1].gross_potential_rent).toBe(247200);
    expect(m.metrics.equity_invested).toBe(600000);
    expect(m.metrics.going_in_cap_rate_percent).toBe(6.9);
    expect(typeof m.metrics.irr_percent).toBe("number");
    expect(m.sensitivity).toHaveLength(9);
    expect(m.exit.exit_year).toBe(10);
    expect(["proceed", "proceed_with_conditions", "decline"]).toContain(r.body.analysis.recommendation);
    expect(
      (
        await req(viewer, "POST", "/api/v1/ai/assistant/underwriting", {
          purchase_price: 1,
          gross_potential_rent: 1,
          operating_expenses: 0,
        })
      ).status,
    ).toBe(403);
  });
});

describeSecurity("ai", [
  { method: "GET", path: "/api/v1/ai/llm/models", workspace: true },
  { method: "GET", path: "/api/v1/ai/llm/usage", workspace: true },
  { method: "POST", path: "/api/v1/ai/llm/complete", workspace: true, body: { prompt: "x" } },
  { method: "POST", path: "/api/v1/ai/llm/complete/stream", workspace: true, body: { prompt: "x" } },
  { method: "POST", path: "/api/v1/ai/llm/extract", workspace: true, body: { text: "x", schema: { type: "object" } } },
  { method: "GET", path: "/api/v1/ai/rag/health" },
  { method: "GET", path: "/api/v1/ai/image/models", workspace: true },
  { method: "POST", path: "/api/v1/ai/image/generate", workspace: true, body: { prompt: "x" } },
  { method: "POST", path: "/api/v1/ai/vision/analyze", workspace: true, body: { prompt: "x", images: [PNG_DATA_URL] } },
  { method: "POST", path: "/api/v1/ai/transcription/transcribe", workspace: true },
  { method: "GET", path: "/api/v1/ai/prompts" },
  { method: "GET", path: "/api/v1/ai/prompts/chat" },
  { method: "POST", path: "/api/v1/ai/assistant", workspace: true, body: { message: "x" } },
  { method: "POST", path: "/api/v1/ai/assistant/explain", workspace: true, body: { concept: "x" } },
  { method: "POST", path: "/api/v1/ai/assistant/real-estate/analyze", workspace: true, body: { purchase_price: 1 } },
  {
    method: "POST",
    path: "/api/v1/ai/assistant/underwriting",
    workspace: true,
    body: { purchase_price: 1, gross_potential_rent: 1, operating_expenses: 0 },
  },
]);
