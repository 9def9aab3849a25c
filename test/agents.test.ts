import { eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { agentRuns, agents } from "../src/modules/agents/tables";
import { members } from "../src/modules/members/tables";
import { tasks } from "../src/modules/tasks/tables";
import type { Db } from "../src/platform/db";
import { sweepStaleAgentRuns } from "../src/scheduled";
import { call, databaseUrl, env, type Joined, join, raw, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let admin: Joined;
let member: Joined;
let viewer: Joined;
let ws: string;

type Who = { token: string };
const as = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });

const aiUrl = () => inject("stack").aiUrl;
/** The model server's control endpoints (/__script), under its base URL or its origin. */
async function control(path: string, init?: RequestInit): Promise<Response> {
  const r = await fetch(`${aiUrl()}${path}`, init);
  return r.status === 404 ? fetch(`${new URL(aiUrl()).origin}${path}`, init) : r;
}
/** Scripts the local model server: requests whose messages contain `match` get these replies in order. */
async function script(match: string, replies: Record<string, unknown>[]) {
  const r = await control("/__script", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ match, replies }),
  });
  expect(r.status, await r.clone().text()).toBeLessThan(300);
}
/** How many model requests a script matched. */
const scriptRequests = async (match: string) =>
  ((await (await control(`/__script/${encodeURIComponent(match)}`)).json()) as { requests: number }).requests;

const countAgents = () => tenant(ws, (db) => db.$count(agents));

beforeAll(async () => {
  owner = await signup({ plan: "manager" });
  ws = owner.workspaceId;
  [admin, member, viewer] = await Promise.all([join(owner, "admin"), join(owner, "member"), join(owner, "viewer")]);
});

describe("the built-in roster", () => {
  it("is seeded into a new workspace once, even under concurrent first requests", async () => {
    const fresh = await signup();
    const list = (q = "") => call("GET", `/api/v1/agents${q}`, { token: fresh.token, workspace: fresh.workspaceId });
    const [a, b, c] = await Promise.all([list(), list(), list("?limit=100")]);
    for (const r of [a, b, c]) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(c.body.total).toBeGreaterThanOrEqual(12);
    const bySlug = Object.fromEntries(c.body.items.map((x: { slug: string }) => [x.slug, x]));
    expect(bySlug.atlas).toMatchObject({
      name: "Atlas",
      role: "Executive Assistant",
      category: "operations",
      tier: "starter",
      status: "active",
      is_builtin: true,
    });
    expect(bySlug.atlas.capabilities).toContain("task_management");
    expect(bySlug.atlas.tools).toContain("create_task");
    expect(bySlug.atlas.system_prompt).toContain("Atlas");
    expect(bySlug.atlas.avatar).toBeTruthy();
    expect(bySlug.sterling).toMatchObject({ name: "Sterling", role: "Sales Strategist", category: "sales", tier: "manager" });
    const categories = new Set(c.body.items.map((x: { category: string }) => x.category));
    for (const cat of ["operations", "sales", "marketing", "engineering", "finance", "support"]) expect(categories).toContain(cat);
    // Exactly one row per employee, and one member per employee.
    await tenant(fresh.workspaceId, async (db) => {
      expect(await db.$count(agents)).toBe(c.body.total);
      expect(await db.$count(members, like(members.email, "%@agents.atrium.invalid"))).toBe(c.body.total);
      const [atlas] = await db.select().from(agents).where(eq(agents.slug, "atlas"));
      const [m] = await db
        .select()
        .from(members)
        .where(eq(members.id, atlas?.memberId ?? ""));
      expect(m).toMatchObject({ fullName: "Atlas", title: "Executive Assistant", isActive: true });
    });
  });

  it("filters by category, status, tier, search and built-in; paginates with skip/limit", async () => {
    const sales = await as(owner, "GET", "/api/v1/agents?category=sales");
    expect(sales.status).toBe(200);
    expect(sales.body.items.every((a: { category: string }) => a.category === "sales")).toBe(true);
    expect(sales.body.items.map((a: { slug: string }) => a.slug)).toContain("sterling");
    const search = await as(owner, "GET", "/api/v1/agents?search=executive%20assist");
    expect(search.body.items.map((a: { slug: string }) => a.slug)).toEqual(["atlas"]);
    const tier = await as(owner, "GET", "/api/v1/agents?tier=manager");
    expect(tier.body.items.every((a: { tier: string }) => a.tier === "manager")).toBe(true);
    const custom = await as(member, "GET", "/api/v1/agents?is_builtin=false&status=active");
    expect(custom.status).toBe(200);
    expect(custom.body.items.every((a: { is_builtin: boolean }) => !a.is_builtin)).toBe(true);
    const page = await as(viewer, "GET", "/api/v1/agents?skip=2&limit=3");
    expect(page.body).toMatchObject({ skip: 2, limit: 3 });
    expect(page.body.items).toHaveLength(3);
    expect((await as(owner, "GET", "/api/v1/agents?limit=101")).status).toBe(422);
    expect((await as(owner, "GET", "/api/v1/agents?category=legal")).status).toBe(422);
  });

  it("gets one employee by slug or id, with stats; unknown ones are 404", async () => {
    const bySlug = await as(viewer, "GET", "/api/v1/agents/atlas");
    expect(bySlug.status).toBe(200);
    expect(bySlug.body.stats).toMatchObject({ period: "7d", tasks_completed_today: expect.any(Number) });
    const byId = await as(member, "GET", `/api/v1/agents/${bySlug.body.id}`);
    expect(byId.body.slug).toBe("atlas");
    expect((await as(owner, "GET", "/api/v1/agents/nobody")).status).toBe(404);
    expect((await as(owner, "GET", "/api/v1/agents/01900000-0000-7000-8000-000000000000")).status).toBe(404);
  });

  it("every built-in employee's avatar URL resolves (public, an SVG); old .png names redirect; others 404", async () => {
    const list = await as(owner, "GET", "/api/v1/agents?limit=100");
    const builtins = list.body.items.filter((a: { is_builtin?: boolean; avatar?: string }) => a.avatar?.startsWith("/avatars/agents/"));
    expect(builtins.length).toBeGreaterThanOrEqual(8);
    for (const a of builtins) {
      const r = await raw(a.avatar);
      expect(r.status, a.avatar).toBe(200);
      expect(r.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
      expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
      const svg = await r.text();
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).not.toMatch(/<script|on[a-z]+=/i);
    }
    const old = await raw("/avatars/agents/atlas.png", { redirect: "manual" });
    expect(old.status).toBe(301);
    expect(old.headers.get("location")).toBe("/avatars/agents/atlas.svg");
    for (const p of ["/avatars/agents/nobody.svg", "/avatars/agents/atlas.gif", "/avatars/agents/..%2Fatlas.svg"]) {
      const r = await raw(p);
      expect(r.status, p).toBe(404);
      expect(((await r.json()) as { code: string }).code).toBe("not_found");
    }
  });

  it("lists the tool registry", async () => {
    const r = await as(member, "GET", "/api/v1/agents/tools");
    expect(r.status).toBe(200);
    const names = r.body.map((t: { name: string }) => t.name);
    for (const n of ["create_task", "update_task", "list_tasks", "complete_task", "post_message", "list_channels", "search_members"]) {
      expect(names).toContain(n);
    }
    const create = r.body.find((t: { name: string }) => t.name === "create_task");
    expect(create).toMatchObject({ capability: "task_management", parameters: { type: "object" } });
    expect(create.parameters.required).toContain("title");
  });
});

describe("custom employees", () => {
  const body = { name: "Scout", role: "Research Analyst", category: "general", capabilities: ["workspace_search", "research"] };

  it("members and viewers cannot create (403), nothing written; admins can (can_manage_agents)", async () => {
    await as(owner, "GET", "/api/v1/agents");
    const before = await countAgents();
    for (const who of [member, viewer]) {
      const r = await as(who, "POST", "/api/v1/agents", body);
      expect(r.status).toBe(403);
      expect(r.body.code).toBe("forbidden");
    }
    expect(await countAgents()).toBe(before);
    const r = await as(admin, "POST", "/api/v1/agents", { ...body, description: "Digs things up", tier: "professional" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ name: "Scout", slug: "scout", is_builtin: false, tier: "professional", status: "active" });
    expect(r.body.tools).toEqual(["search_documents", "search_members"]);
    expect(await countAgents()).toBe(before + 1);
    const m = await tenant(ws, (db) => db.select().from(members).where(eq(members.id, r.body.member_id)));
    expect(m[0]).toMatchObject({ fullName: "Scout", title: "Research Analyst" });
    // Same name again: a fresh slug; a built-in slug is reserved.
    const again = await as(admin, "POST", "/api/v1/agents", body);
    expect(again.body.slug).toBe("scout-2");
    const reserved = await as(owner, "POST", "/api/v1/agents", { ...body, slug: "atlas" });
    expect(reserved.status).toBe(409);
    const taken = await as(owner, "POST", "/api/v1/agents", { ...body, slug: "scout" });
    expect(taken.status).toBe(409);
  });

  it("bad input is a 422 in the platform shape and writes nothing", async () => {
    const before = await countAgents();
    for (const bad of [
      { ...body, category: "legal" },
      { ...body, name: "" },
      { ...body, capabilities: ["Not Valid!"] },
      { role: "x", category: "sales" },
      { ...body, tier: "god" },
    ]) {
      const r = await as(owner, "POST", "/api/v1/agents", bad);
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error", request_id: expect.any(String) });
      expect(r.body.detail[0]).toMatchObject({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
    }
    const a = await as(owner, "POST", "/api/v1/agents", { ...body, name: "Patchy" });
    const r = await as(owner, "PATCH", `/api/v1/agents/${a.body.id}`, { status: "sleeping" });
    expect(r.status).toBe(422);
    expect(await countAgents()).toBe(before + 1);
  });

  it("updates (admins), and built-ins only take status, model and avatar; deletes custom only", async () => {
    const a = await as(admin, "POST", "/api/v1/agents", { ...body, name: "Temp" });
    expect((await as(member, "PATCH", `/api/v1/agents/${a.body.id}`, { role: "x" })).status).toBe(403);
    const u = await as(owner, "PATCH", `/api/v1/agents/${a.body.id}`, { role: "Chief Researcher", capabilities: ["task_management"] });
    expect(u.status).toBe(200);
    expect(u.body).toMatchObject({ role: "Chief Researcher", capabilities: ["task_management"] });
    expect(u.body.tools).toContain("create_task");
    const [m] = await tenant(ws, (db) => db.select().from(members).where(eq(members.id, a.body.member_id)));
    expect(m?.title).toBe("Chief Researcher");

    const renameBuiltin = await as(owner, "PATCH", "/api/v1/agents/sterling", { name: "Bob" });
    expect(renameBuiltin.status).toBe(422);
    expect(renameBuiltin.body.detail[0].loc).toEqual(["body", "name"]);
    const disable = await as(admin, "PATCH", "/api/v1/agents/sterling", { status: "disabled" });
    expect(disable.status).toBe(200);
    expect(disable.body.status).toBe("disabled");
    const run = await as(owner, "POST", "/api/v1/agents/sterling/run", { instruction: "anything" });
    expect(run.status).toBe(409);
    expect((await as(admin, "PATCH", "/api/v1/agents/sterling", { status: "active" })).body.status).toBe("active");

    expect((await as(owner, "DELETE", "/api/v1/agents/atlas")).status).toBe(409);
    expect((await as(member, "DELETE", `/api/v1/agents/${a.body.id}`)).status).toBe(403);
    expect((await as(admin, "DELETE", `/api/v1/agents/${a.body.id}`)).status).toBe(204);
    expect((await as(owner, "GET", `/api/v1/agents/${a.body.id}`)).status).toBe(404);
    const [gone] = await tenant(ws, (db) => db.select().from(members).where(eq(members.id, a.body.member_id)));
    expect(gone?.isActive).toBe(false);
  });

  it("another workspace's employee is a 404", async () => {
    const a = await as(owner, "POST", "/api/v1/agents", { ...body, name: "Private" });
    const outsider = await signup();
    const other = (method: string, path: string, b?: unknown) =>
      call(method, path, { token: outsider.token, workspace: outsider.workspaceId, body: b });
    expect((await other("GET", `/api/v1/agents/${a.body.id}`)).status).toBe(404);
    expect((await other("PATCH", `/api/v1/agents/${a.body.id}`, { role: "x" })).status).toBe(404);
    expect((await other("DELETE", `/api/v1/agents/${a.body.id}`)).status).toBe(404);
    expect((await other("POST", `/api/v1/agents/${a.body.id}/run`, { instruction: "x" })).status).toBe(404);
    expect((await call("GET", `/api/v1/agents/${a.body.id}`, { token: outsider.token, workspace: ws })).status).toBe(404);
  });
});

type Run = {
  id: string;
  status: string;
  output: string | null;
  error: string | null;
  hit_step_limit: boolean;
  steps: { type: string; name?: string; is_error?: boolean; result?: any; arguments?: any; tool_calls?: any[] }[];
};
const run = async (who: Who, agent: string, body: Record<string, unknown>) => {
  const r = await as(who, "POST", `/api/v1/agents/${agent}/run`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as Run;
};

describe("the tool loop", () => {
  it("an employee creates a task through a tool call; the task exists, authored by the employee", async () => {
    const marker = crypto.randomUUID();
    const title = `Prepare the board pack ${marker}`;
    await script(marker, [
      { tool_calls: [{ name: "create_task", arguments: { title, priority: "high", due_date: "2026-12-01" } }] },
      { content: "Done: I created the task." },
    ]);
    const r = await run(member, "atlas", { instruction: `Please create a task for the board pack. ${marker}` });
    expect(r).toMatchObject({ status: "completed", output: "Done: I created the task.", hit_step_limit: false, error: null });
    expect(r.steps.map((s) => s.type)).toEqual(["model", "tool_call", "tool_result", "model"]);
    const result = r.steps[2];
    expect(result).toMatchObject({ name: "create_task", is_error: false });
    const atlas = (await as(member, "GET", "/api/v1/agents/atlas")).body;
    // The person who asked sees it (assigned to them); the employee owns and created it.
    const list = await as(member, "GET", `/api/v1/tasks?search=${marker}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: result?.result.id,
      title,
      priority: "high",
      created_by: atlas.member_id,
      owner_id: atlas.member_id,
      assignee_ids: [member.memberId],
    });
    // Recorded on the run list, and the run can be rated by the person who gave the work.
    const runs = await as(member, "GET", "/api/v1/agents/atlas/runs");
    expect(runs.body.items.map((x: Run) => x.id)).toContain(r.id);
    expect((await as(owner, "POST", `/api/v1/agents/atlas/runs/${r.id}/rating`, { rating: 1 })).status).toBe(403);
    expect((await as(viewer, "POST", `/api/v1/agents/atlas/runs/${r.id}/rating`, { rating: 1 })).status).toBe(404);
    expect((await as(member, "POST", `/api/v1/agents/atlas/runs/${r.id}/rating`, { rating: 9 })).status).toBe(422);
    const rated = await as(member, "POST", `/api/v1/agents/atlas/runs/${r.id}/rating`, { rating: 4, comment: "Good" });
    expect(rated.status).toBe(200);
    expect(rated.body).toMatchObject({ rating: 4, rating_comment: "Good" });
    const stats = await as(viewer, "GET", "/api/v1/agents/atlas/stats?period=24h");
    expect(stats.status).toBe(200);
    expect(stats.body.tasks_completed_today).toBeGreaterThanOrEqual(1);
    expect(stats.body.tool_calls).toBeGreaterThanOrEqual(1);
    expect(stats.body.avg_response_time_ms).toEqual(expect.any(Number));
    expect(stats.body.satisfaction_score).toBe(4);
    expect(stats.body.ratings_count).toBe(1);
  });

  it("failing tool calls go back to the model as errors; the loop goes on", async () => {
    const marker = crypto.randomUUID();
    const missing = crypto.randomUUID();
    // Registered first, so it wins: only a request carrying the tool's error text matches it.
    const errorText = `Task ${missing} not found`;
    await script(errorText, [{ content: "The task does not exist, and the title was empty." }]);
    await script(marker, [
      {
        tool_calls: [
          { name: "update_task", arguments: { task_id: missing, status: "completed" } },
          { name: "create_task", arguments: { title: "" } },
          { name: "delete_everything", arguments: {} },
        ],
      },
      { content: "unexpected: the error was not in the conversation" },
    ]);
    const before = await tenant(ws, (db) => db.$count(tasks));
    const r = await run(owner, "atlas", { instruction: `Close task ${marker}` });
    expect(r.status).toBe("completed");
    expect(r.output).toBe("The task does not exist, and the title was empty.");
    expect(await scriptRequests(errorText)).toBe(1);
    const results = r.steps.filter((s) => s.type === "tool_result");
    expect(results.map((s) => s.is_error)).toEqual([true, true, true]);
    expect(results[0]?.result.error).toMatchObject({ code: "not_found", message: errorText });
    expect(results[1]?.result.error.code).toBe("validation_error");
    expect(results[1]?.result.error.issues[0].loc).toEqual(["arguments", "title"]);
    expect(results[2]?.result.error.message).toContain("No tool named delete_everything");
    expect(await tenant(ws, (db) => db.$count(tasks))).toBe(before);
  });

  it("tools act within the invoking person's permissions: a viewer's run cannot create tasks", async () => {
    const grant = await as(owner, "PATCH", "/api/v1/permissions/roles/viewer", { permission: "can_use_ai", allowed: true });
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    try {
      const marker = crypto.randomUUID();
      await script(marker, [
        { tool_calls: [{ name: "create_task", arguments: { title: `Sneaky ${marker}` } }] },
        { content: "I could not." },
      ]);
      const r = await run(viewer, "atlas", { instruction: `Create a task ${marker}` });
      const result = r.steps.find((s) => s.type === "tool_result");
      expect(result).toMatchObject({ is_error: true });
      expect(result?.result.error.code).toBe("forbidden");
      expect(await tenant(ws, (db) => db.$count(tasks, like(tasks.title, `%${marker}%`)))).toBe(0);
    } finally {
      await as(owner, "PATCH", "/api/v1/permissions/roles/viewer", { permission: "can_use_ai", allowed: false });
    }
    // Without can_use_ai a viewer cannot run an employee at all.
    expect((await as(viewer, "POST", "/api/v1/agents/atlas/run", { instruction: "hi" })).status).toBe(403);
  });

  it("stops at the step limit", async () => {
    const marker = crypto.randomUUID();
    // (The tool's result must not echo other tests' markers, which would match their scripts.)
    await script(marker, [{ tool_calls: [{ name: "list_tasks", arguments: { search: "no such task here", limit: 1 } }] }]);
    const r = await run(owner, "orion", { instruction: `Loop forever ${marker}` });
    expect(r, JSON.stringify(r.steps.slice(0, 6))).toMatchObject({ status: "failed", hit_step_limit: true });
    expect(r.error).toContain("Step limit");
    expect(r.steps.filter((s) => s.type === "model")).toHaveLength(8);
    // Tools asked for at the last step are not run: 7 rounds of tool calls.
    expect(r.steps.filter((s) => s.type === "tool_call")).toHaveLength(7);
    expect(await scriptRequests(marker)).toBe(8);
    const short = await run(owner, "orion", { instruction: `Loop forever ${marker}`, max_steps: 2 });
    expect(short.steps.filter((s) => s.type === "model")).toHaveLength(2);
    expect((await as(owner, "POST", "/api/v1/agents/orion/run", { instruction: "x", max_steps: 9 })).status).toBe(422);
  });

  it("a running run can be stopped; what it would have done is not done", async () => {
    const marker = crypto.randomUUID();
    await script(marker, [
      { delay_ms: 4000, tool_calls: [{ name: "create_task", arguments: { title: `Never ${marker}` } }] },
      { content: "finished" },
    ]);
    const pending = as(member, "POST", "/api/v1/agents/forge/run", { instruction: `Slow work ${marker}` });
    let running: Run | undefined;
    for (let i = 0; i < 40 && !running; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const list = await as(member, "GET", "/api/v1/agents/forge/runs?status=running");
      running = list.body.items.find((x: Run) => x.id);
    }
    expect(running).toBeDefined();
    // Someone else's run is not theirs to stop (a member without can_manage_agents).
    const other = await as(viewer, "POST", `/api/v1/agents/forge/stop?run_id=${running?.id}`);
    expect(other.status).toBe(404);
    const t0 = Date.now();
    const stop = await as(member, "POST", "/api/v1/agents/forge/stop");
    expect(stop.status).toBe(200);
    expect(stop.body.stopped).toBe(1);
    const done = await pending;
    expect(done.status).toBe(201);
    expect(done.body.status).toBe("stopped");
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await tenant(ws, (db) => db.$count(tasks, like(tasks.title, `%${marker}%`)))).toBe(0);
    const [row] = await tenant(ws, (db) => db.select().from(agentRuns).where(eq(agentRuns.id, done.body.id)));
    expect(row?.status).toBe("stopped");
    // Nothing left to stop.
    expect((await as(member, "POST", "/api/v1/agents/forge/stop")).body.stopped).toBe(0);
  });
});

describe("runEmployeeTurn (the chat module's entry)", () => {
  it("streams deltas, tool calls and results, and records the turn as a chat run", async () => {
    const { createContext } = await import("../src/platform/context");
    const { runEmployeeTurn } = await import("../src/modules/agents/runner");
    const ctx = createContext({
      env,
      requestId: crypto.randomUUID(),
      actor: { kind: "user", userId: member.userId, email: member.email },
      waitUntil: () => {},
    });
    ctx.bindTenant({ id: ws, role: "member", membershipId: member.membershipId }, databaseUrl(`ws_${ws.replace(/-/g, "")}`));
    const marker = crypto.randomUUID();
    await script(marker, [
      { tool_calls: [{ name: "search_members", arguments: { query: "no-one-matches-this" } }] },
      { content: "Nobody by that name.", chunk_delay_ms: 1 },
    ]);
    const events: { type: string; [k: string]: unknown }[] = [];
    try {
      for await (const e of runEmployeeTurn(ctx, {
        agentId: "sage",
        messages: [
          { role: "user", content: "hello" },
          { role: "assistant", content: "Hi, how can I help?" },
          { role: "user", content: `Who is Zed? ${marker}` },
        ],
      })) {
        events.push(e);
      }
    } finally {
      await ctx.connections.close();
    }
    const types = events.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(["tool_call", "tool_result"]);
    expect(types.at(-1)).toBe("done");
    expect(
      events
        .filter((e) => e.type === "delta")
        .map((e) => e.content)
        .join(""),
    ).toBe("Nobody by that name.");
    expect(events[1]).toMatchObject({ name: "search_members", is_error: false, result: { total: 0, items: [] } });
    const done = events.at(-1) as unknown as {
      runId: string;
      status: string;
      incomplete: boolean;
      steps: unknown[];
      usage: { promptTokens: number };
    };
    expect(done).toMatchObject({ status: "completed", incomplete: false });
    expect(done.steps).toHaveLength(4);
    expect(done.usage.promptTokens).toBeGreaterThan(0);
    const [row] = await tenant(ws, (db) => db.select().from(agentRuns).where(eq(agentRuns.id, done.runId)));
    expect(row).toMatchObject({
      source: "chat",
      status: "completed",
      output: "Nobody by that name.",
      instruction: `Who is Zed? ${marker}`,
    });
  });
});

describeSecurity("agents", [
  { method: "GET", path: "/api/v1/agents", workspace: true },
  { method: "GET", path: "/api/v1/agents/tools", workspace: true },
  { method: "POST", path: "/api/v1/agents", workspace: true, body: { name: "X", role: "Y", category: "general" } },
  { method: "GET", path: "/api/v1/agents/atlas", workspace: true },
  { method: "PATCH", path: "/api/v1/agents/atlas", workspace: true, body: { status: "idle" } },
  { method: "DELETE", path: "/api/v1/agents/atlas", workspace: true },
  { method: "POST", path: "/api/v1/agents/atlas/run", workspace: true, body: { instruction: "hello" } },
  { method: "POST", path: "/api/v1/agents/atlas/stop", workspace: true },
  { method: "GET", path: "/api/v1/agents/atlas/runs", workspace: true },
  {
    method: "POST",
    path: "/api/v1/agents/atlas/runs/01900000-0000-7000-8000-000000000000/rating",
    workspace: true,
    body: { rating: 5 },
  },
  { method: "GET", path: "/api/v1/agents/atlas/stats", workspace: true },
]);

describe("the cron's stale-run sweep", () => {
  it("marks runs with no progress for 15 minutes failed and leaves live and finished runs alone", async () => {
    const atlas = (await as(owner, "GET", "/api/v1/agents/atlas")).body;
    const now = Date.now();
    const minutesAgo = (m: number) => new Date(now - m * 60_000);
    const [dead, live, done] = await tenant(ws, (db) =>
      db
        .insert(agentRuns)
        .values([
          { agentId: atlas.id, instruction: "dead worker", status: "running", createdAt: minutesAgo(40), updatedAt: minutesAgo(16) },
          { agentId: atlas.id, instruction: "still going", status: "running", createdAt: minutesAgo(20), updatedAt: minutesAgo(1) },
          { agentId: atlas.id, instruction: "long done", status: "completed", createdAt: minutesAgo(60), updatedAt: minutesAgo(50) },
        ])
        .returning({ id: agentRuns.id }),
    );
    // Other test files run the cron too, so `dead` may already be swept: assert the state, not the count.
    await sweepStaleAgentRuns(env, now);
    const runs = await as(owner, "GET", `/api/v1/agents/${atlas.id}/runs?limit=100`);
    expect(runs.status).toBe(200);
    const byId = new Map(runs.body.items.map((r: { id: string }) => [r.id, r]));
    expect(byId.get(dead?.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/stopped without finishing/) });
    expect((byId.get(dead?.id) as { finished_at: string | null }).finished_at).not.toBeNull();
    expect(byId.get(live?.id)).toMatchObject({ status: "running", error: null });
    expect(byId.get(done?.id)).toMatchObject({ status: "completed" });
  });
});
