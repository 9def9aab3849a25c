import { introspectWorkflow, introspectWorkflowInstance } from "cloudflare:test";
import { eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { tasks } from "../src/modules/tasks/tables";
import { resumeRun, runDueSchedules } from "../src/modules/workflows/service";
import { workflowNodeRuns, workflowRuns, workflows } from "../src/modules/workflows/tables";
import { createContext } from "../src/platform/context";
import type { Db } from "../src/platform/db";
import { resolveWorkspaceForSystem } from "../src/platform/tenancy/resolve";
import { call, databaseUrl, env, type Joined, join, randomIp, raw, readSse, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let member: Joined;
let viewer: Joined;
let ws: string;
type Who = { token: string };
const as = (who: Who, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(method, path, { token: who.token, workspace: ws, body, ...(headers ? { headers } : {}) });

const aiUrl = () => inject("stack").aiUrl;
const receiver = inject("stack").receiverUrl;
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
  expect(r.status).toBeLessThan(300);
}

const node = (id: string, component: string, extra: Record<string, unknown> = {}) => ({ id, component, ...extra });
const t = (template: string) => ({ template });

/** Creates a workflow from Atrium's model and returns it. */
async function create(who: Who, definition: Record<string, unknown>, name = "wf") {
  const r = await as(who, "POST", "/api/v1/workflows", { name, definition });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** Polls a run until it is in one of `statuses` (runs execute on the real Workflows engine). */
async function until(runId: string, statuses: string[], who: Who = owner, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const r = await as(who, "GET", `/api/v1/workflow-runs/${runId}`);
    if (statuses.includes(r.body.status)) return r.body;
    if (Date.now() > end) throw new Error(`run ${runId} is ${r.body.status}: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

const taskCount = (title: string) => tenant(ws, (db) => db.$count(tasks, like(tasks.title, title)));

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [member, viewer] = await Promise.all([join(owner, "member"), join(owner, "viewer")]);
});

describe("definitions, versions, validation", () => {
  it("creates, lists, reads, versions and deletes a workflow", async () => {
    const w = await create(owner, { nodes: [node("a", "input"), node("b", "output", { inputs: { x: t("{{nodes.a.q}}") } })] }, "First");
    expect(w).toMatchObject({ name: "First", current_version: 1, is_active: true, webhook_url: null });
    const upd = await as(owner, "PATCH", `/api/v1/workflows/${w.id}`, {
      base_version: 1,
      message: "adds a node",
      definition: { nodes: [node("a", "input"), node("c", "merge"), node("b", "output", { inputs: { x: t("{{nodes.a.q}}") } })] },
    });
    expect(upd.status).toBe(200);
    expect(upd.body.current_version).toBe(2);
    const stale = await as(owner, "PATCH", `/api/v1/workflows/${w.id}`, { base_version: 1, definition: { nodes: [node("a", "input")] } });
    expect(stale.status).toBe(409);
    const versions = await as(owner, "GET", `/api/v1/workflows/${w.id}/versions`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions.body.items[0].message).toBe("adds a node");
    const v1 = await as(owner, "GET", `/api/v1/workflows/${w.id}/versions/1`);
    expect(v1.body.definition.nodes).toHaveLength(2);
    expect((await as(owner, "GET", `/api/v1/workflows/${w.id}/versions/9`)).status).toBe(404);
    const list = await as(viewer, "GET", "/api/v1/workflows?search=Firs");
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(w.id);
    expect((await as(owner, "DELETE", `/api/v1/workflows/${w.id}`)).status).toBe(204);
    expect((await as(owner, "GET", `/api/v1/workflows/${w.id}`)).status).toBe(404);
  });

  it("an invalid definition is 422 naming the node and field, and saves nothing", async () => {
    const before = await tenant(ws, (db) => db.$count(workflows));
    const bad = await as(owner, "POST", "/api/v1/workflows", {
      name: "bad",
      definition: {
        nodes: [
          node("a", "nope"),
          node("b", "llm_prompt"),
          node("c", "condition", { inputs: { condition: { value: "yes" } } }),
          node("d", "merge", { inputs: { x: t("{{nodes.e.text}}") } }),
          node("e", "llm_prompt", { inputs: { prompt: t("{{nodes.d.result}}") } }),
        ],
        triggers: [{ type: "schedule", cron: "every day" }],
      },
    });
    expect(bad.status).toBe(422);
    const types = bad.body.detail.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(["unknown_component", "missing_input", "type_mismatch", "cycle", "invalid_schedule"]));
    const missing = bad.body.detail.find((e: { type: string }) => e.type === "missing_input");
    expect(missing.loc).toEqual(["body", "definition", "nodes", 1, "inputs", "prompt"]);
    expect(missing.msg).toContain('"b"');
    expect(await tenant(ws, (db) => db.$count(workflows))).toBe(before);
    // Exactly one shape.
    expect((await as(owner, "POST", "/api/v1/workflows", { name: "x" })).status).toBe(422);
    const v = await as(viewer, "POST", "/api/v1/workflows/validate", { definition: { nodes: [node("a", "llm_prompt")] } });
    expect(v.status).toBe(200);
    expect(v.body.valid).toBe(false);
  });

  it("serves the component library with config schemas and ports", async () => {
    const r = await as(viewer, "GET", "/api/v1/workflows/components");
    const types = r.body.items.map((c: { type: string }) => c.type);
    for (const c of [
      "input",
      "output",
      "llm_prompt",
      "ai_employee",
      "module_tool",
      "condition",
      "map",
      "merge",
      "http_request",
      "delay",
      "human_approval",
      "sub_workflow",
    ]) {
      expect(types).toContain(c);
    }
    const approval = r.body.items.find((c: { type: string }) => c.type === "human_approval");
    expect(approval.ports).toEqual(["approved", "rejected"]);
    expect(approval.config_schema.properties.timeout_seconds).toBeDefined();
    const ai = await as(viewer, "GET", "/api/v1/workflows/components?category=ai");
    expect(ai.body.items.every((c: { category: string }) => c.category === "ai")).toBe(true);
  });

  it("permissions: viewers read, members edit only their own, saving makes you the owner", async () => {
    expect((await as(viewer, "POST", "/api/v1/workflows", { name: "v", definition: { nodes: [node("a", "input")] } })).status).toBe(403);
    const mine = await create(member, { nodes: [node("a", "input")] }, "member's");
    const admins = await create(owner, { nodes: [node("a", "input")] }, "owner's");
    expect((await as(member, "PATCH", `/api/v1/workflows/${mine.id}`, { name: "renamed" })).status).toBe(200);
    expect((await as(member, "PATCH", `/api/v1/workflows/${admins.id}`, { name: "mine now" })).status).toBe(403);
    expect((await as(member, "DELETE", `/api/v1/workflows/${admins.id}`)).status).toBe(403);
    expect((await as(viewer, "POST", `/api/v1/workflows/${mine.id}/runs`, {})).status).toBe(403);
    const edited = await as(owner, "PATCH", `/api/v1/workflows/${mine.id}`, { definition: { nodes: [node("b", "input")] } });
    expect(edited.body.owner_member_id).not.toBe(mine.owner_member_id);
  });

  it("another workspace's workflow and run are 404", async () => {
    const other = await signup();
    const w = await create(owner, { nodes: [node("a", "input")] });
    const run = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, {});
    const opts = { token: other.token, workspace: other.workspaceId };
    expect((await call("GET", `/api/v1/workflows/${w.id}`, opts)).status).toBe(404);
    expect((await call("POST", `/api/v1/workflows/${w.id}/runs`, { ...opts, body: {} })).status).toBe(404);
    expect((await call("GET", `/api/v1/workflow-runs/${run.body.id}`, opts)).status).toBe(404);
    expect((await call("POST", `/api/v1/workflow-runs/${run.body.id}/cancel`, opts)).status).toBe(404);
    expect((await call("GET", "/api/v1/workflow-runs/not-a-uuid", opts)).status).toBe(404);
  });
});

describe("runs", () => {
  it("the customer-support graph runs sync with the local model: branch, merge, output, tokens", async () => {
    await script("Classify the support intent", [{ content: '{"intent":"billing","confidence":0.95}' }]);
    const r = await as(owner, "POST", "/api/v1/workflows", {
      name: "Customer Support Bot",
      graph: {
        components: [
          { id: "user_input", type: "comp_text_input", config: { fields: [{ name: "user_message", type: "string", required: true }] } },
          {
            id: "classify",
            type: "llm_prompt",
            config: {
              system: "Classify the support intent.",
              json_schema: { type: "object", properties: { intent: { type: "string" }, confidence: { type: "number" } } },
            },
            inputs: { prompt: "{{nodes.user_input.user_message}}" },
          },
          { id: "confident", type: "condition", inputs: { condition: "{{nodes.classify.data.confidence >= vars.min_confidence}}" } },
          { id: "answer", type: "llm_prompt", inputs: { prompt: "Answer: {{nodes.user_input.user_message}}" } },
          {
            id: "escalate",
            type: "module_tool",
            config: { tool: "create_task" },
            inputs: { arguments: '{{ {"title": "Support escalation"} }}' },
          },
          { id: "reply", type: "merge", config: { mode: "first" } },
          { id: "result", type: "output", inputs: { detected_intent: "{{nodes.classify.data.intent}}" } },
        ],
        connections: [
          { source: "user_input", target: "classify" },
          { source: "classify", target: "confident" },
          { source: "confident", source_output: "true", target: "answer" },
          { source: "confident", source_output: "false", target: "escalate" },
          { source: "answer", source_output: "text", target: "reply", target_input: "answer" },
          { source: "escalate", source_output: "result", target: "reply", target_input: "escalation" },
          { source: "reply", source_output: "result", target: "result", target_input: "response" },
        ],
        variables: [{ name: "min_confidence", type: "number", default: 0.8 }],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const run = await as(owner, "POST", `/api/v1/workflows/${r.body.id}/runs`, {
      mode: "sync",
      timeout: 30,
      input: { user_message: "Why was I charged twice?" },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.status).toBe("completed");
    expect(run.body.output.detected_intent).toBe("billing");
    expect(run.body.output.response).toContain("Why was I charged twice?");
    const byId = Object.fromEntries(run.body.nodes.map((n: { node_id: string }) => [n.node_id, n]));
    expect(byId.confident.port).toBe("true");
    expect(byId.escalate.status).toBe("skipped");
    expect(byId.answer.status).toBe("completed");
    expect(run.body.tokens).toBeGreaterThan(0);
    expect(byId.classify.tokens).toBeGreaterThan(0);
    expect(await taskCount("Support escalation")).toBe(0);
    // A missing required input fails the run at the input node, with the reason.
    const bad = await as(owner, "POST", `/api/v1/workflows/${r.body.id}/runs`, { mode: "sync", input: {} });
    expect(bad.body.status).toBe("failed");
    expect(bad.body.error.node).toBe("user_input");
    expect(bad.body.error.message).toContain("user_message");
  });

  it("the lead-qualification chain: employees chained, the condition guards step 1", async () => {
    await script("Action: qualify_lead", [{ content: '{"score": 42, "summary": "small shop"}' }]);
    const chain = {
      steps: [
        { employee_id: "hunter", action: "qualify_lead", input: "{{trigger.data}}" },
        { employee_id: "sterling", action: "create_proposal", condition: "{{steps[0].score > 70}}", input: "{{steps[0].output}}" },
      ],
    };
    const w = await as(owner, "POST", "/api/v1/workflows", { name: "Lead Qualification Pipeline", chain });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    const run = await as(owner, "POST", `/api/v1/workflows/${w.body.id}/runs`, { mode: "sync", input: { company: "Acme" } });
    expect(run.body.status, JSON.stringify(run.body)).toBe("completed");
    const byId = Object.fromEntries(run.body.nodes.map((n: { node_id: string }) => [n.node_id, n]));
    expect(byId.step_0.output.score).toBe(42);
    expect(byId.step_1.status).toBe("skipped");
  });

  it("async: 202 with status and stream URLs; the SSE stream replays node events and resumes by Last-Event-ID", async () => {
    const w = await create(owner, {
      nodes: [node("a", "input"), node("m", "map", { config: { expression: "item * 2" }, inputs: { items: t("{{nodes.a.list}}") } })],
    });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, { input: { list: [1, 2, 3] } });
    expect(r.status).toBe(202);
    expect(r.body.status_url).toContain(`/api/v1/workflow-runs/${r.body.id}`);
    const done = await until(r.body.id, ["completed", "failed"]);
    expect(done.status).toBe("completed");
    expect(done.output).toEqual({ items: [2, 4, 6] });
    const res = await raw(`/api/v1/workflow-runs/${r.body.id}/events`, {
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws },
    });
    const events = await readSse(res);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe("run.started");
    expect(names).toContain("node.completed");
    expect(names.at(-1)).toBe("run.finished");
    const mid = events[1]!.id!;
    const again = await readSse(
      await raw(`/api/v1/workflow-runs/${r.body.id}/events`, {
        headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws, "last-event-id": mid },
      }),
    );
    expect(again[0]!.id).toBe(String(Number(mid) + 1));
    // After the last event the stream answers 204 (EventSource stops).
    const last = events.at(-1)!.id!;
    const end = await raw(`/api/v1/workflow-runs/${r.body.id}/events`, {
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws, "last-event-id": last },
    });
    expect(end.status).toBe(204);
  });

  it("a sync call past its timeout answers 202, never 504", async () => {
    const w = await create(owner, { nodes: [node("a", "input"), node("d", "delay", { config: { seconds: 3600 } })] });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, { mode: "sync", timeout: 1 });
    expect(r.status).toBe(202);
    expect(["queued", "running"]).toContain(r.body.status);
    expect((await as(owner, "POST", `/api/v1/workflow-runs/${r.body.id}/cancel`)).status).toBe(200);
  });

  it("a node failing twice then succeeding retries with its policy; past its retries the run fails with node and reason", async () => {
    const flaky = `${receiver}/hooks/wf-flaky-${crypto.randomUUID()}`;
    await fetch(`${receiver}/_behaviour/${flaky.split("/hooks/")[1]}`, { method: "PUT", body: JSON.stringify({ fail: 2, status: 503 }) });
    const w = await create(owner, {
      nodes: [
        node("call", "http_request", {
          config: { method: "POST" },
          inputs: { url: { value: flaky }, body: { value: { hi: 1 } } },
          retry: { max_attempts: 3, backoff_ms: 10 },
        }),
      ],
    });
    const ok = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, { mode: "sync" });
    expect(ok.body.status, JSON.stringify(ok.body)).toBe("completed");
    expect(ok.body.nodes[0].attempts).toBe(3);
    expect(ok.body.output.status).toBe(200);
    const got = (await (await fetch(`${receiver}/_received/${flaky.split("/hooks/")[1]}`)).json()) as { headers: Record<string, string> }[];
    expect(got).toHaveLength(3);
    // Each attempt has its own idempotency key (run, node, attempt).
    expect(new Set(got.map((g) => g.headers["idempotency-key"])).size).toBe(3);

    const dead = `${receiver}/hooks/wf-dead-${crypto.randomUUID()}`;
    await fetch(`${receiver}/_behaviour/${dead.split("/hooks/")[1]}`, { method: "PUT", body: JSON.stringify({ fail: -1, status: 500 }) });
    const w2 = await create(owner, {
      nodes: [node("call", "http_request", { inputs: { url: { value: dead } }, retry: { max_attempts: 2, backoff_ms: 10 } })],
    });
    const failed = await as(owner, "POST", `/api/v1/workflows/${w2.id}/runs`, { mode: "sync" });
    expect(failed.body.status).toBe("failed");
    expect(failed.body.error).toMatchObject({ node: "call" });
    expect(failed.body.error.message).toContain("500");
    expect(failed.body.nodes[0].attempts).toBe(2);
  });

  it("HTTP nodes keep the SSRF rules: a metadata address fails without retries", async () => {
    const w = await create(owner, {
      nodes: [node("call", "http_request", { inputs: { url: { value: "https://169.254.169.254/latest" } } })],
    });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, { mode: "sync" });
    expect(r.body.status).toBe("failed");
    expect(r.body.error.message).toMatch(/refused/i);
    expect(r.body.nodes[0].attempts).toBe(1);
  });

  it("cancel stops the run before its next node; 409 the second time; re-run reuses finished nodes", async () => {
    const title = `wf-cancel-${crypto.randomUUID()}`;
    const w = await create(owner, {
      nodes: [
        node("make", "module_tool", { config: { tool: "create_task" }, inputs: { arguments: { value: { title } } } }),
        node("wait", "delay", { config: { seconds: 3600 }, inputs: { value: t("{{nodes.make.result.id}}") } }),
        node("after", "module_tool", { config: { tool: "create_task" }, inputs: { arguments: { value: { title: `${title}-after` } } } }),
      ],
      edges: [{ from: "wait", to: "after" }],
    });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, {});
    await until(r.body.id, ["running"]);
    const end = Date.now() + 10_000;
    while ((await taskCount(title)) === 0 && Date.now() < end) await new Promise((res) => setTimeout(res, 100));
    const c = await as(owner, "POST", `/api/v1/workflow-runs/${r.body.id}/cancel`);
    expect(c.status).toBe(200);
    expect(c.body.status).toBe("cancelled");
    expect((await as(owner, "POST", `/api/v1/workflow-runs/${r.body.id}/cancel`)).status).toBe(409);
    expect(await taskCount(`${title}-after`)).toBe(0);
    // Re-run: `make` is reused (no second task), the delay is skipped in the test engine.
    await using intro = await introspectWorkflow(env.RUN_INTERPRETER);
    await intro.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    const again = await as(owner, "POST", `/api/v1/workflow-runs/${r.body.id}/rerun`);
    expect(again.status).toBe(202);
    const done = await until(again.body.id, ["completed", "failed"]);
    expect(done.status, JSON.stringify(done)).toBe("completed");
    expect(await taskCount(title)).toBe(1);
    expect(await taskCount(`${title}-after`)).toBe(1);
    const reused = done.nodes.find((n: { node_id: string }) => n.node_id === "make");
    expect(reused.reused).toBe(true);
    expect((await as(owner, "POST", `/api/v1/workflow-runs/${again.body.id}/rerun`)).status).toBe(409);
  });

  it("a run resumed after its instance died does not repeat a finished node's effect", async () => {
    const title = `wf-crash-${crypto.randomUUID()}`;
    const w = await create(owner, {
      nodes: [
        node("make", "module_tool", { config: { tool: "create_task" }, inputs: { arguments: { value: { title } } } }),
        node("nap", "delay", { config: { seconds: 3600 } }),
        node("out", "output", { inputs: { made: t("{{nodes.make.result.title}}") } }),
      ],
      edges: [
        { from: "make", to: "nap" },
        { from: "nap", to: "out" },
      ],
    });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, {});
    const end = Date.now() + 10_000;
    while ((await taskCount(title)) === 0 && Date.now() < end) await new Promise((res) => setTimeout(res, 100));
    // The Worker "dies": its instance ends without the run ending.
    await (await env.RUN_INTERPRETER.get(r.body.id)).terminate();
    await using second = await introspectWorkflowInstance(env.RUN_INTERPRETER, `${r.body.id}-g2`);
    await second.modify(async (m) => {
      await m.disableSleeps();
    });
    const ctx = createContext({ env, requestId: "test", actor: { kind: "system", name: "test" }, waitUntil: () => {} });
    await resolveWorkspaceForSystem(ctx, ws);
    expect(await resumeRun(ctx, r.body.id)).toBe(true);
    await ctx.connections.close();
    const done = await until(r.body.id, ["completed", "failed"]);
    expect(done.status, JSON.stringify(done)).toBe("completed");
    expect(done.output).toEqual({ made: title });
    expect(await taskCount(title)).toBe(1);
  });

  it("human approval: approved continues on the approved port, rejected takes the other, a timeout applies its outcome", async () => {
    const def = {
      nodes: [
        node("ask", "human_approval", { config: { title: "Ship it?", timeout_seconds: 3600 } }),
        node("yes", "output", { inputs: { shipped: { value: true } } }),
        node("no", "output", { inputs: { shipped: { value: false } } }),
      ],
      edges: [
        { from: "ask", to: "yes", port: "approved" },
        { from: "ask", to: "no", port: "rejected" },
      ],
    };
    const w = await create(owner, def);
    for (const [how, shipped] of [
      ["approved", true],
      ["rejected", false],
      ["timeout", false],
    ] as const) {
      await using intro = await introspectWorkflow(env.RUN_INTERPRETER);
      await intro.modifyAll(async (m) => {
        if (how === "timeout") await m.forceEventTimeout({ name: "approval:ask" });
        else await m.mockEvent({ type: "approval-ask", payload: { outcome: how, by: null, comment: "ok" } });
      });
      const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, { mode: "sync", timeout: 20 });
      expect(r.body.status, JSON.stringify(r.body)).toBe("completed");
      expect(r.body.output).toEqual({ shipped });
      const ask = r.body.nodes.find((n: { node_id: string }) => n.node_id === "ask");
      expect(ask.output.decision).toBe(how === "timeout" ? "timed_out" : how);
    }
  });

  it("a waiting approval leaves the run waiting (no open request)", async () => {
    const w = await create(owner, { nodes: [node("ask", "human_approval", { config: { title: "Wait" } })] });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, {});
    const waiting = await until(r.body.id, ["waiting"]);
    expect(waiting.nodes[0].status).toBe("waiting");
    await as(owner, "POST", `/api/v1/workflow-runs/${r.body.id}/cancel`);
  });

  it("a sub-workflow runs as a child run and returns its result", async () => {
    const child = await create(owner, {
      nodes: [node("a", "input"), node("o", "output", { inputs: { doubled: t("{{nodes.a.n * 2}}") } })],
    });
    const parent = await create(owner, {
      nodes: [
        node("a", "input"),
        node("sub", "sub_workflow", { config: { workflow_id: child.id }, inputs: { input: t('{{ {"n": nodes.a.n} }}') } }),
      ],
    });
    const r = await as(owner, "POST", `/api/v1/workflows/${parent.id}/runs`, { mode: "sync", input: { n: 21 } });
    expect(r.body.status, JSON.stringify(r.body)).toBe("completed");
    expect(r.body.output.result).toEqual({ doubled: 42 });
  });

  it("callback_url gets a signed POST when the run ends; a private callback URL is refused", async () => {
    const name = `wf-cb-${crypto.randomUUID()}`;
    const w = await create(owner, { nodes: [node("a", "input")] });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, { callback_url: `${receiver}/hooks/${name}`, input: { x: 1 } });
    expect(r.body.callback_secret).toMatch(/^whsec_/);
    const end = Date.now() + 15_000;
    let got: { body: string; headers: Record<string, string> }[] = [];
    while (got.length === 0 && Date.now() < end) {
      got = await (await fetch(`${receiver}/_received/${name}`)).json();
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(got).toHaveLength(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: "workflow.run.completed", data: { run_id: r.body.id, status: "completed" } });
    expect(got[0]!.headers["webhook-signature"]).toMatch(/^v1,/);
    const bad = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, { callback_url: "http://10.0.0.1/x" });
    expect(bad.status).toBe(422);
  });

  it("Idempotency-Key: a retried run request starts one run", async () => {
    const w = await create(owner, { nodes: [node("a", "input")] });
    const key = crypto.randomUUID();
    const a = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, {}, { "idempotency-key": key });
    const b = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, {}, { "idempotency-key": key });
    expect(b.body.id).toBe(a.body.id);
    expect(await tenant(ws, (db) => db.$count(workflowRuns, eq(workflowRuns.workflowId, w.id)))).toBe(1);
  });

  it("lists and filters runs, sums usage by day and workflow; members see only their runs", async () => {
    const w = await create(owner, { nodes: [node("a", "input")] }, "usage");
    await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, { mode: "sync" });
    const mine = await as(member, "POST", `/api/v1/workflows/${w.id}/runs`, { mode: "sync" });
    const all = await as(owner, "GET", `/api/v1/workflows/${w.id}/runs`);
    expect(all.body.total).toBe(2);
    const theirs = await as(member, "GET", `/api/v1/workflow-runs?workflow_id=${w.id}`);
    expect(theirs.body.items.map((x: { id: string }) => x.id)).toEqual([mine.body.id]);
    expect((await as(owner, "GET", `/api/v1/workflow-runs?status=completed&workflow_id=${w.id}`)).body.total).toBe(2);
    const usage = await as(owner, "GET", `/api/v1/workflow-runs/usage?workflow_id=${w.id}`);
    expect(usage.body.by_workflow[0]).toMatchObject({ workflow_id: w.id, runs: 2, completed: 2 });
    expect(usage.body.by_day).toHaveLength(1);
    // A member cannot cancel or re-run someone else's run.
    const other = (await as(owner, "GET", `/api/v1/workflows/${w.id}/runs`)).body.items.find((x: { id: string }) => x.id !== mine.body.id);
    expect((await as(member, "GET", `/api/v1/workflow-runs/${other.id}`)).status).toBe(404);
  });

  it("a workflow deleted while running finishes its run on the recorded version", async () => {
    const w = await create(owner, { nodes: [node("a", "input"), node("ask", "human_approval", { config: { title: "go" } })] });
    await using intro = await introspectWorkflow(env.RUN_INTERPRETER);
    await intro.modifyAll(async (m) => {
      await m.mockEvent({ type: "approval-ask", payload: { outcome: "approved" } });
    });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, {});
    expect((await as(owner, "DELETE", `/api/v1/workflows/${w.id}`)).status).toBe(204);
    const done = await until(r.body.id, ["completed", "failed"]);
    expect(done.status).toBe("completed");
    expect(done.version).toBe(1);
  });
});

describe("triggers", () => {
  it("inbound webhook: the URL's secret starts a run as the owner; a wrong secret is 404; a retried delivery starts nothing twice", async () => {
    const w = await create(owner, { nodes: [node("a", "input")], triggers: [{ type: "webhook" }] });
    expect(w.webhook_url).toContain(`/api/v1/workflow-hooks/${ws}/${w.id}/wht_`);
    const path = new URL(w.webhook_url).pathname;
    const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
      raw(p, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json", "cf-connecting-ip": randomIp(), ...headers },
      });
    const a = await post(path, { lead: "Acme" }, { "webhook-id": "msg_1" });
    expect(a.status).toBe(202);
    const run = (await a.json()) as { id: string; duplicate: boolean };
    const b = await post(path, { lead: "Acme" }, { "webhook-id": "msg_1" });
    expect(((await b.json()) as { id: string; duplicate: boolean }).id).toBe(run.id);
    const done = await until(run.id, ["completed", "failed"]);
    expect(done.trigger).toMatchObject({ type: "webhook", data: { lead: "Acme" } });
    expect(done.output).toMatchObject({ lead: "Acme" });
    expect((await post(path.replace(/wht_[^/]+$/, "wht_wrongwrongwrong"), {})).status).toBe(404);
    expect((await post(path.replace(ws, crypto.randomUUID()), {})).status).toBe(404);
    // Rotation: the old URL stops working.
    const rotated = await as(owner, "POST", `/api/v1/workflows/${w.id}/webhook-secret`);
    expect(rotated.body.webhook_url).not.toBe(w.webhook_url);
    expect((await post(path, {})).status).toBe(404);
    expect((await post(new URL(rotated.body.webhook_url).pathname, "not an object")).status).toBe(202);
  });

  it("schedule: a due slot starts one run (claimed once) and moves to the next slot in the workflow's time zone", async () => {
    const w = await create(owner, {
      nodes: [node("a", "input")],
      triggers: [{ type: "schedule", cron: "0 9 * * *", timezone: "Europe/Paris" }],
    });
    const next = new Date(w.next_scheduled_at);
    expect(next.getUTCHours()).toBe(new Date(next).getTimezoneOffset() === 0 ? next.getUTCHours() : next.getUTCHours());
    const parisHour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "numeric" }).format(next));
    expect(parisHour).toBe(9);
    const ctx = createContext({ env, requestId: "test", actor: { kind: "system", name: "test" }, waitUntil: () => {} });
    await resolveWorkspaceForSystem(ctx, ws);
    const at = new Date(next.getTime() + 1000);
    const [first, second] = await Promise.all([runDueSchedules(ctx, at), runDueSchedules(ctx.fork(), at)]);
    await ctx.connections.close();
    expect(first + second).toBe(1);
    const runs = await tenant(ws, (db) => db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, w.id)));
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toMatchObject({ type: "schedule", cron: "0 9 * * *", timezone: "Europe/Paris" });
    const after = await as(owner, "GET", `/api/v1/workflows/${w.id}`);
    expect(new Date(after.body.next_scheduled_at).getTime()).toBe(next.getTime() + 86_400_000);
  });
});

describe("approvals inbox", () => {
  it("an approval node waits in the inbox; deciding it there resumes the run without re-running finished nodes", async () => {
    const title = `wf-inbox-${crypto.randomUUID()}`;
    const w = await create(owner, {
      nodes: [
        node("make", "module_tool", { config: { tool: "create_task" }, inputs: { arguments: { value: { title } } } }),
        node("ask", "human_approval", {
          config: { title: "Ship it?", deciders: { roles: ["owner"] } },
          inputs: { details: { value: { note: "v2" } } },
        }),
        node("done", "output", { inputs: { ok: { value: true } } }),
      ],
      edges: [
        { from: "make", to: "ask" },
        { from: "ask", to: "done", port: "approved" },
      ],
    });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, {});
    await until(r.body.id, ["waiting"]);
    const inbox = await as(owner, "GET", "/api/v1/approvals?status=pending&source=workflow_node");
    const item = inbox.body.find((a: { source_id: string }) => a.source_id === `${r.body.id}:ask`);
    expect(item, JSON.stringify(inbox.body)).toBeDefined();
    // Only the named role decides.
    expect((await as(member, "POST", `/api/v1/approvals/${item.id}/approve`, {})).status).toBeGreaterThanOrEqual(403);
    const ok = await as(owner, "POST", `/api/v1/approvals/${item.id}/approve`, { comment: "go" });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await as(owner, "POST", `/api/v1/approvals/${item.id}/approve`, {})).status).toBe(409);
    const done = await until(r.body.id, ["completed", "failed"]);
    expect(done.status, JSON.stringify(done)).toBe("completed");
    expect(done.output).toEqual({ ok: true });
    const ask = done.nodes.find((n: { node_id: string }) => n.node_id === "ask");
    expect(ask.output).toMatchObject({ approved: true, decision: "approved", comment: "go" });
    expect(await taskCount(title)).toBe(1);
  });

  it("cancelling a waiting run withdraws its approval", async () => {
    const w = await create(owner, { nodes: [node("ask", "human_approval", { config: { title: "Withdraw me" } })] });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, {});
    await until(r.body.id, ["waiting"]);
    await as(owner, "POST", `/api/v1/workflow-runs/${r.body.id}/cancel`);
    const inbox = await as(owner, "GET", "/api/v1/approvals?source=workflow_node");
    const item = inbox.body.find((a: { source_id: string }) => a.source_id === `${r.body.id}:ask`);
    expect(item.status).toBe("cancelled");
  });

  it("an artifact proposal is decided through the inbox, and the proposal's own route settles the same approval", async () => {
    const art = await as(member, "POST", "/api/v1/artifact-actions/artifacts", {
      name: "cfg",
      artifact_type: "config",
      format: "json",
      content: { a: 1 },
    });
    expect(art.status, JSON.stringify(art.body)).toBe(201);
    const propose = () =>
      as(member, "POST", "/api/v1/artifact-actions/proposals", {
        action: "update",
        artifact_id: art.body.id,
        description: "bump",
        content: { a: Math.random() },
      });
    const p1 = await propose();
    expect(p1.status, JSON.stringify(p1.body)).toBe(201);
    const inbox = await as(owner, "GET", "/api/v1/approvals?status=pending&source=artifact_proposal");
    const item = inbox.body.find((a: { source_id: string }) => a.source_id === p1.body.id);
    expect(item).toBeDefined();
    expect((await as(owner, "POST", `/api/v1/approvals/${item.id}/approve`, {})).status).toBe(200);
    expect((await as(owner, "GET", `/api/v1/artifact-actions/proposals/${p1.body.id}`)).body.status).toBe("approved");
    // The other way round: the proposal's route closes the inbox item.
    const p2 = await as(member, "POST", "/api/v1/artifact-actions/proposals", {
      intent_id: undefined,
      action: "publish",
      artifact_id: art.body.id,
      description: "go live",
    });
    expect(p2.status, JSON.stringify(p2.body)).toBe(201);
    expect((await as(owner, "POST", `/api/v1/artifact-actions/proposals/${p2.body.id}/reject`, { comment: "not yet" })).status).toBe(200);
    const after = await as(owner, "GET", "/api/v1/approvals?source=artifact_proposal");
    expect(after.body.find((a: { source_id: string }) => a.source_id === p2.body.id).status).toBe("rejected");
  });
});

describe("event triggers", () => {
  it("a domain event starts the workflows listening for it, once, acting as the owner", async () => {
    // A workspace of its own: other tests' task events must not reach this workflow.
    const solo = await signup();
    const opts = { token: solo.token, workspace: solo.workspaceId };
    const w = await call("POST", "/api/v1/workflows", {
      ...opts,
      body: { name: "on task", definition: { nodes: [node("a", "input")], triggers: [{ type: "event", event: "task.created" }] } },
    });
    expect(w.status).toBe(201);
    const title = `wf-event-${crypto.randomUUID()}`;
    const task = await call("POST", "/api/v1/tasks", { ...opts, body: { title } });
    expect(task.status, JSON.stringify(task.body)).toBeLessThan(300);
    const end = Date.now() + 20_000;
    let runs: { id: string; trigger: Record<string, unknown> }[] = [];
    while (Date.now() < end) {
      runs = (await call("GET", `/api/v1/workflows/${w.body.id}/runs`, opts)).body.items;
      if (runs.length > 0) break;
      await new Promise((res) => setTimeout(res, 200));
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toMatchObject({ type: "event", event: "task.created" });
    expect(JSON.stringify(runs[0]!.trigger.data)).toContain(title);
  });
});

describe("node records", () => {
  it("every node of a finished run has a row with duration", async () => {
    const w = await create(owner, { nodes: [node("a", "input"), node("b", "merge", { inputs: { x: t("{{nodes.a.v}}") } })] });
    const r = await as(owner, "POST", `/api/v1/workflows/${w.id}/runs`, { mode: "sync", input: { v: 1 } });
    const rows = await tenant(ws, (db) => db.select().from(workflowNodeRuns).where(eq(workflowNodeRuns.runId, r.body.id)));
    expect(rows.map((x) => x.status).sort()).toEqual(["completed", "completed"]);
    expect(r.body.nodes.every((n: { duration_ms: number | null }) => n.duration_ms !== null)).toBe(true);
  });
});

describeSecurity("workflows", [
  { method: "GET", path: "/api/v1/workflows", workspace: true },
  {
    method: "POST",
    path: "/api/v1/workflows",
    body: { name: "x", definition: { nodes: [{ id: "a", component: "input" }] } },
    workspace: true,
  },
  { method: "POST", path: "/api/v1/workflows/validate", body: { definition: { nodes: [] } }, workspace: true },
  { method: "GET", path: "/api/v1/workflows/components", workspace: true },
  { method: "GET", path: `/api/v1/workflows/${crypto.randomUUID()}`, workspace: true },
  { method: "PATCH", path: `/api/v1/workflows/${crypto.randomUUID()}`, body: { name: "x" }, workspace: true },
  { method: "DELETE", path: `/api/v1/workflows/${crypto.randomUUID()}`, workspace: true },
  { method: "GET", path: `/api/v1/workflows/${crypto.randomUUID()}/versions`, workspace: true },
  { method: "GET", path: `/api/v1/workflows/${crypto.randomUUID()}/versions/1`, workspace: true },
  { method: "POST", path: `/api/v1/workflows/${crypto.randomUUID()}/webhook-secret`, workspace: true },
  { method: "POST", path: `/api/v1/workflows/${crypto.randomUUID()}/runs`, body: {}, workspace: true },
  { method: "GET", path: `/api/v1/workflows/${crypto.randomUUID()}/runs`, workspace: true },
  { method: "GET", path: "/api/v1/workflow-runs", workspace: true },
  { method: "GET", path: "/api/v1/workflow-runs/usage", workspace: true },
  { method: "GET", path: `/api/v1/workflow-runs/${crypto.randomUUID()}`, workspace: true },
  { method: "POST", path: `/api/v1/workflow-runs/${crypto.randomUUID()}/cancel`, workspace: true },
  { method: "POST", path: `/api/v1/workflow-runs/${crypto.randomUUID()}/rerun`, workspace: true },
  { method: "GET", path: `/api/v1/workflow-runs/${crypto.randomUUID()}/events`, workspace: true },
]);
