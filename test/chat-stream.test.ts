// Chat's AI side through the real app, the AI gateway and the local model server (scripted per
// test with a unique marker): streaming send saved, cut streams saved incomplete, files' text
// reaching the model, the search tool, regenerate, titles, suggestions, AI employees, credits.
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DEV_MODEL } from "../scripts/ai-server";
import { chatConversations, chatMessages, chatSuggestions } from "../src/modules/chat/tables";
import { aiCreditLedger } from "../src/platform/ai/credit-tables";
import { aiUsage } from "../src/platform/ai/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, type Joined, join, raw, readSse, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);
const aiUrl = () => inject("stack").aiUrl;
const marker = () => `mk-${crypto.randomUUID()}`;

async function script(match: string, replies: Record<string, unknown>[]) {
  const r = await fetch(aiUrl().replace(/\/v1$/, "/__script"), { method: "POST", body: JSON.stringify({ match, replies }) });
  expect(r.status).toBe(200);
}
async function requestsMatching(match: string): Promise<number> {
  const r = await fetch(`${aiUrl().replace(/\/v1$/, "")}/__script/${encodeURIComponent(match)}`);
  return ((await r.json()) as { requests: number }).requests;
}

let owner: SignedUp;
let m1: Joined;
let m2: Joined;
let viewer: Joined;
let ws: string;

type Who = { token: string };
const as = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });

interface SseEvent {
  id?: string;
  data: any;
}

/** POST /chat and read the whole stream. */
async function send(who: Who, body: Record<string, unknown>, path = "/api/v1/chat") {
  const res = await as(who, "POST", path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const events: SseEvent[] = await readSse(res.response);
  const final = events.at(-1)?.data;
  expect(final?.done).toBe(true);
  return { events, final, text: events.map((e) => e.data.content ?? "").join(""), requestId: res.headers.get("x-request-id") };
}

const conversation = async (who: Who, id: string) => {
  const r = await as(who, "GET", `/api/v1/chat/conversations/${id}`);
  expect(r.status).toBe(200);
  return r.body;
};

const counts = (workspace = ws) =>
  tenant(workspace, async (db) => ({ conversations: await db.$count(chatConversations), messages: await db.$count(chatMessages) }));

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [m1, m2, viewer] = await Promise.all([join(owner, "member"), join(owner, "member"), join(owner, "viewer")]);
});

describe("streaming send", () => {
  it("streams content chunks and a final done event; the conversation and both messages are saved; credits consumed once", async () => {
    const m = marker();
    await script(m, [{ content: "Hello there, here is the plan for today." }]);
    const { events, final, text, requestId } = await send(m1, { message: `Plan my day ${m}`, model: DEV_MODEL });
    expect(text).toBe("Hello there, here is the plan for today.");
    expect(events.length).toBeGreaterThan(3);
    expect(events.slice(0, -1).every((e) => e.data.done === false && typeof e.data.content === "string")).toBe(true);
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i + 1));
    expect(final).toMatchObject({ content: "", done: true, incomplete: false, model: DEV_MODEL });
    expect(final.conversation_id).toEqual(expect.any(String));
    expect(final.credits).toBeGreaterThan(0);

    const c = await conversation(m1, final.conversation_id);
    expect(c).toMatchObject({ title: `Plan my day ${m}`, model: DEV_MODEL, message_count: 2, agent_id: null });
    expect(c.system_prompt).toBeNull();
    expect(c.messages.map((x: { role: string }) => x.role)).toEqual(["user", "assistant"]);
    expect(c.messages[0]).toMatchObject({ id: final.user_message_id, content: `Plan my day ${m}` });
    expect(c.messages[1]).toMatchObject({
      id: final.message_id,
      content: "Hello there, here is the plan for today.",
      is_incomplete: false,
      finish_reason: "stop",
      model: DEV_MODEL,
      credits: final.credits,
      tool_events: [],
    });

    // The gateway recorded the call once, and the ledger has one consumption entry for it.
    const usage = await tenant(ws, (db) =>
      db
        .select()
        .from(aiUsage)
        .where(eq(aiUsage.requestId, requestId as string)),
    );
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ operation: "chat", status: "ok", credits: final.credits });
    const entries = await withControl((db) =>
      db
        .select()
        .from(aiCreditLedger)
        .where(and(eq(aiCreditLedger.workspaceId, ws), eq(aiCreditLedger.usageId, usage[0]!.id))),
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: "consumption", amount: -final.credits });
  });

  it("continues a conversation with its history and system prompt", async () => {
    const first = marker();
    // Scripted by the first message's marker: the second request, which repeats it in the history, gets the second reply.
    await script(first, [{ content: "Answer one." }, { content: "Answer two." }]);
    const created = await as(m1, "POST", "/api/v1/chat/conversations", { prompt_context: "chat" });
    const one = await send(m1, { conversation_id: created.body.id, message: `First ${first}` });
    expect(one.text).toBe("Answer one.");
    const second = marker();
    const two = await send(m1, { conversation_id: created.body.id, message: `Second ${second}` });
    expect(two.final.conversation_id).toBe(created.body.id);
    expect(two.text).toBe("Answer two.");
    expect(await requestsMatching(first)).toBe(2);
    const c = await conversation(m1, created.body.id);
    expect(c.message_count).toBe(4);
    expect(c.messages.map((x: { content: string }) => x.content)).toEqual([`First ${first}`, one.text, `Second ${second}`, two.text]);
  });

  it("a stream cut by the provider keeps what was generated, marked incomplete", async () => {
    const m = marker();
    await script(m, [{ content: "one two three four five six seven", cut_after: 3 }]);
    const { final, text } = await send(m1, { message: `Count ${m}` });
    expect(final.incomplete).toBe(true);
    expect(text).toBe("one two ");
    const c = await conversation(m1, final.conversation_id);
    expect(c.messages[1]).toMatchObject({ id: final.message_id, content: "one two ", is_incomplete: true });
  });

  it("an uploaded file's extracted text reaches the model", async () => {
    const conv = (await as(m1, "POST", "/api/v1/chat/conversations", { title: "Sales" })).body;
    const inFile = marker();
    const form = new FormData();
    form.append("file", new File([`region,revenue\nnorth,${inFile}\n`], "sales.csv", { type: "text/csv" }));
    const up = await raw(`/api/v1/chat/conversations/${conv.id}/upload`, {
      method: "POST",
      headers: { authorization: `Bearer ${m1.token}`, "x-workspace-id": ws },
      body: form,
    });
    expect(up.status).toBe(200);
    const file = (await up.json()) as { id: string };
    // Only the file carries this marker: the scripted reply proves its text was in the prompt.
    await script(inFile, [{ content: "North leads." }]);
    const { final, text } = await send(m1, { conversation_id: conv.id, message: "Which region leads?", file_ids: [file.id] });
    expect(text).toBe("North leads.");
    const c = await conversation(m1, conv.id);
    expect(c.messages[0]).toMatchObject({ id: final.user_message_id, content: "Which region leads?", file_ids: [file.id] });
  });

  it("the model searches the workspace with search_workspace; calls and results stream and are stored", async () => {
    const m = marker();
    const title = `Renew the lease ${m}`;
    expect((await as(m1, "POST", "/api/v1/tasks", { title })).status).toBe(201);
    await script(m, [
      { tool_calls: [{ name: "search_workspace", arguments: { query: title, types: ["tasks"] } }] },
      { content: "You have a task to renew the lease." },
    ]);
    const { events, final, text } = await send(m1, { message: `What about the lease? ${m}` });
    const call = events.find((e) => e.data.tool_call)?.data.tool_call;
    const result = events.find((e) => e.data.tool_result)?.data.tool_result;
    expect(call).toMatchObject({ name: "search_workspace" });
    expect(JSON.parse(call.arguments)).toEqual({ query: title, types: ["tasks"] });
    expect(result).toMatchObject({ id: call.id, name: "search_workspace", is_error: false });
    expect(result.result.results).toEqual([expect.objectContaining({ type: "task", title })]);
    expect(text).toBe("You have a task to renew the lease.");
    const c = await conversation(m1, final.conversation_id);
    expect(c.messages[1].tool_events).toEqual([
      { type: "tool_call", id: call.id, name: "search_workspace", arguments: call.arguments },
      expect.objectContaining({ type: "tool_result", id: call.id, name: "search_workspace", is_error: false }),
    ]);
    // Search applies each module's visibility: the workspace owner sees m1's task, another member does not.
    const seen = await as(owner, "POST", "/api/v1/chat/search", { query: title });
    expect(seen.status).toBe(200);
    expect(seen.body.results).toEqual([expect.objectContaining({ type: "task", title })]);
    const unseen = await as(m2, "POST", "/api/v1/chat/search", { query: title });
    expect(unseen.status).toBe(200);
    expect(unseen.body.results).toEqual([]);
  });

  it("regenerate replaces an assistant reply (and what followed) with a new one", async () => {
    const m = marker();
    await script(m, [{ content: "First answer." }, { content: "Second answer." }]);
    const one = await send(m1, { message: `Question ${m}` });
    const res = await as(m1, "POST", `/api/v1/chat/messages/${one.final.message_id}/regenerate`, {});
    expect(res.status).toBe(200);
    const events = await readSse(res.response);
    const final = events.at(-1)!.data;
    expect(final).toMatchObject({ done: true, replaced_message_id: one.final.message_id, incomplete: false, user_message_id: null });
    expect(events.map((e) => e.data.content ?? "").join("")).toBe("Second answer.");
    const c = await conversation(m1, one.final.conversation_id);
    expect(c.message_count).toBe(2);
    expect(c.messages.map((x: { content: string }) => x.content)).toEqual([`Question ${m}`, "Second answer."]);
    expect(c.messages[1].metadata).toEqual({ regenerated_from: one.final.message_id });
    // A person's message cannot be regenerated; someone else's is not found.
    expect((await as(m1, "POST", `/api/v1/chat/messages/${one.final.user_message_id}/regenerate`, {})).status).toBe(409);
    expect((await as(owner, "POST", `/api/v1/chat/messages/${final.message_id}/regenerate`, {})).status).toBe(404);
  });
});

describe("refusals before streaming: nothing written, no model call", () => {
  it("422 on bad input and 404 for another member's conversation", async () => {
    const m = marker();
    const mine = (await as(m1, "POST", "/api/v1/chat/conversations", {})).body;
    const before = await counts();
    const cases: [Record<string, unknown>, number, (string | number)[]?][] = [
      [{ message: "" }, 422, ["body", "message"]],
      [{}, 422, ["body", "message"]],
      [{ message: `x ${m}`, model: "no-such-model" }, 422, ["body", "model"]],
      [{ message: `x ${m}`, prompt_context: "nope" }, 422, ["body", "prompt_context"]],
      [{ message: `x ${m}`, file_ids: ["0190f0f0-0000-7000-8000-000000000000"] }, 422, ["body", "file_ids"]],
      [{ message: `x ${m}`, conversation_id: mine.id, file_ids: ["0190f0f0-0000-7000-8000-000000000000"] }, 422, ["body", "file_ids", 0]],
      [{ message: `x ${m}`, temperature: 5 }, 422, ["body", "temperature"]],
    ];
    for (const [body, status, loc] of cases) {
      const r = await as(m1, "POST", "/api/v1/chat", body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.code).toBe("validation_error");
      if (loc) expect(r.body.detail[0].loc).toEqual(loc);
    }
    const foreign = await as(owner, "POST", "/api/v1/chat", { message: `x ${m}`, conversation_id: mine.id });
    expect(foreign.status).toBe(404);
    expect((await as(viewer, "POST", "/api/v1/chat", { message: `x ${m}` })).status).toBe(403);
    expect(await counts()).toEqual(before);
    expect(await requestsMatching(m)).toBe(0);
  });

  it("402 without credits, before any provider call", async () => {
    const poor = await signup();
    // The month's grant is taken first; then a consumption larger than any grant.
    await withControl((db) =>
      db.insert(aiCreditLedger).values({ workspaceId: poor.workspaceId, kind: "consumption", amount: -10_000_000 }),
    );
    const m = marker();
    const before = await counts(poor.workspaceId);
    const r = await call("POST", "/api/v1/chat", { token: poor.token, workspace: poor.workspaceId, body: { message: `Hi ${m}` } });
    expect(r.status).toBe(402);
    expect(r.body.code).toBe("insufficient_credits");
    expect(await counts(poor.workspaceId)).toEqual(before);
    expect(await requestsMatching(m)).toBe(0);
  });

  it("a provider failure before any output is a 502 and writes nothing", async () => {
    const m = marker();
    await script(m, [{ status: 500 }]);
    const before = await counts();
    const r = await as(m1, "POST", "/api/v1/chat", { message: `Fail ${m}` });
    expect(r.status).toBe(502);
    expect(r.body.code).toBe("ai_provider_error");
    expect(await counts()).toEqual(before);
  });
});

describe("titles and suggestions", () => {
  it("suggests a 3–6 word title", async () => {
    const m = marker();
    await script(m, [{ content: '"Quarterly Revenue Planning Session."' }]);
    const r = await as(m1, "GET", `/api/v1/chat/suggest-title?message=${encodeURIComponent(`Let's plan Q3 revenue ${m}`)}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ title: "Quarterly Revenue Planning Session" });
    expect((await as(m1, "GET", "/api/v1/chat/suggest-title")).status).toBe(422);
    expect((await as(viewer, "GET", `/api/v1/chat/suggest-title?message=x`)).status).toBe(403);
  });

  it("generates four suggestions from the member's data once a day, cached, force_refresh regenerates", async () => {
    const m = marker();
    // The member's open task carries the marker into the business context the model sees.
    // m2 sees only their own tasks, so no other test's marker reaches this prompt.
    expect((await as(m2, "POST", "/api/v1/tasks", { title: `Close the Acme deal ${m}` })).status).toBe(201);
    const first = ["Where is the Acme deal?", "What is due this week?", "Summarize my channels", "How are our goals?"];
    const second = ["A", "What should I do next?", "Plan the Acme call", "Review open tasks", "Extra one"];
    await script(m, [{ content: JSON.stringify({ suggestions: first }) }, { content: JSON.stringify({ suggestions: second.slice(1) }) }]);
    const a = await as(m2, "GET", "/api/v1/chat/suggestions");
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body).toMatchObject({ suggestions: first, cached: false, cache_date: new Date().toISOString().slice(0, 10) });
    const b = await as(m2, "GET", "/api/v1/chat/suggestions");
    expect(b.body).toMatchObject({ suggestions: first, cached: true, generated_at: a.body.generated_at });
    expect(await requestsMatching(m)).toBe(1);
    const c = await as(m2, "GET", "/api/v1/chat/suggestions?force_refresh=true");
    expect(c.body.cached).toBe(false);
    expect(c.body.suggestions).toEqual(second.slice(1));
    const rows = await tenant(ws, (db) => db.select().from(chatSuggestions));
    expect(rows.filter((r) => r.suggestions.includes("Plan the Acme call"))).toHaveLength(1);
  });
});

describe("conversations with an AI employee", () => {
  it("runs the employee's tool loop: tool calls and results stream and are stored; the task exists", async () => {
    const atlas = (await as(m1, "GET", "/api/v1/agents/atlas")).body;
    expect(atlas.id).toEqual(expect.any(String));
    const m = marker();
    const title = `Book the offsite ${m}`;
    await script(m, [{ tool_calls: [{ name: "create_task", arguments: { title, priority: "high" } }] }, { content: "Created it." }]);
    const { events, final, text } = await send(m1, { message: `Please add a task to book the offsite ${m}`, agent_id: atlas.id });
    expect(text).toBe("Created it.");
    const call = events.find((e) => e.data.tool_call)?.data.tool_call;
    const result = events.find((e) => e.data.tool_result)?.data.tool_result;
    expect(call).toMatchObject({ name: "create_task" });
    expect(result).toMatchObject({ name: "create_task", is_error: false });
    const c = await conversation(m1, final.conversation_id);
    expect(c.agent_id).toBe(atlas.id);
    expect(c.messages[1].tool_events.map((e: { type: string }) => e.type)).toEqual(["tool_call", "tool_result"]);
    const tasks = await as(m1, "GET", `/api/v1/tasks?search=${m}`);
    expect(tasks.body.items).toEqual([expect.objectContaining({ id: result.result.id, title })]);
  });

  it("names the employee by slug; unscripted, the development model acts: it creates the task asked for, then says so", async () => {
    const m = marker();
    const { events, final, text, requestId } = await send(m1, {
      message: `Please create a task to "Call Bob about ${m}"`,
      agent_id: "atlas",
    });
    const call = events.find((e) => e.data.tool_call)?.data.tool_call;
    expect(call).toMatchObject({ name: "create_task" });
    expect(JSON.parse(call.arguments)).toEqual({ title: `Call Bob about ${m}` });
    const result = events.find((e) => e.data.tool_result)?.data.tool_result;
    expect(result).toMatchObject({ name: "create_task", is_error: false });
    expect(text).toContain(`[${DEV_MODEL} development model] Done.`);
    expect(text).toContain(`Call Bob about ${m}`);
    // The reply names the model that answered; the final event carries the credits charged for
    // both model calls of the turn (tool call, then the answer).
    expect(final.model).toBe(DEV_MODEL);
    const usage = await tenant(ws, (db) =>
      db
        .select()
        .from(aiUsage)
        .where(eq(aiUsage.requestId, requestId as string)),
    );
    expect(usage).toHaveLength(2);
    expect(final.credits).toBeGreaterThan(0);
    expect(final.credits).toBe(usage.reduce((n, u) => n + u.credits, 0));
    const c = await conversation(m1, final.conversation_id);
    const atlas = (await as(m1, "GET", "/api/v1/agents/atlas")).body;
    expect(c.agent_id).toBe(atlas.id);
    const tasks = await as(m1, "GET", `/api/v1/tasks?search=${m}`);
    expect(tasks.body.items).toEqual([expect.objectContaining({ title: `Call Bob about ${m}` })]);
  });

  it("the development model posts in a channel when asked, with the text it was given", async () => {
    const m = marker();
    const ch = await as(owner, "POST", "/api/v1/channels", { name: `dev model ${m.slice(3, 11)}` });
    expect(ch.status).toBe(201);
    await send(owner, { message: `Post 'standup moved to 10:30 ${m}' in #${ch.body.slug}`, agent_id: "atlas" });
    const msgs = await as(owner, "GET", `/api/v1/channels/${ch.body.slug}/messages`);
    expect(msgs.body.messages.map((x: { content: string }) => x.content)).toContain(`standup moved to 10:30 ${m}`);
  });

  it("an unknown employee slug is a 422 at agent_id", async () => {
    const r = await as(m1, "POST", "/api/v1/chat", { message: "hi", agent_id: "no-such-employee" });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "agent_id"]);
  });

  it("an unknown employee is a 422 before anything is written", async () => {
    const before = await counts();
    const r = await as(m1, "POST", "/api/v1/chat", { message: "hi", agent_id: "0190f0f0-0000-7000-8000-000000000000" });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(["body", "agent_id"]);
    expect(await counts()).toEqual(before);
  });
});

const id = "0190f0f0-0000-7000-8000-000000000000";
describeSecurity("chat (AI)", [
  { method: "POST", path: "/api/v1/chat", workspace: true, body: { message: "hi" } },
  { method: "POST", path: `/api/v1/chat/messages/${id}/regenerate`, workspace: true, body: {} },
  { method: "POST", path: "/api/v1/chat/search", workspace: true, body: { query: "x" } },
  { method: "GET", path: "/api/v1/chat/suggest-title?message=x", workspace: true },
  { method: "GET", path: "/api/v1/chat/suggestions", workspace: true },
]);
