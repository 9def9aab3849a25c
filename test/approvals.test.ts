import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { agentRuns } from "../src/modules/agents/tables";
import { defineTool, getTool, registerTool } from "../src/modules/agents/tools/registry";
import {
  type ApprovalRow,
  type OpenApprovalInput,
  openApproval,
  registerApprovalHandler,
  signApprovalLink,
  sweepWorkspaceApprovals,
} from "../src/modules/approvals/internal";
import { approvalEvents, approvals } from "../src/modules/approvals/tables";
import { members } from "../src/modules/members/tables";
import { notifications } from "../src/modules/notifications/tables";
import { createContext, type ServiceContext } from "../src/platform/context";
import { call, databaseUrl, env, type Joined, join, lastEmail, nextEmail, randomIp, type SignedUp, signup, withDb } from "./harness";
import { describeAnonymousLimits, describeSecurity } from "./security";

const tenantOf = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);
const tenant = <T>(ws: string, f: Parameters<typeof withDb<T>>[1]) => withDb(tenantOf(ws), f);

/** A system context bound to the workspace, as a source module (workflow engine, proposals) would have. */
async function withSystem<T>(ws: string, f: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const ctx = createContext({ env, requestId: crypto.randomUUID(), actor: { kind: "system", name: "test" }, waitUntil: () => {} });
  ctx.bindTenant({ id: ws, role: "viewer", membershipId: "" }, tenantOf(ws));
  try {
    return await f(ctx);
  } finally {
    await ctx.connections.close();
  }
}

let seq = 0;
const open = (ws: string, input: Partial<OpenApprovalInput> = {}) =>
  withSystem(ws, (ctx) =>
    openApproval(ctx, ctx.db, {
      source: "artifact_proposal",
      sourceId: `p-${Date.now()}-${seq++}`,
      title: "Publish the Q3 report",
      summary: "The report artifact is ready to publish",
      details: { artifact: "q3-report" },
      ...input,
    }),
  );

/** Waits until the approval's deciders were notified (after the opener's commit). */
async function notified(ws: string, id: string, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await tenant(ws, (db) => db.select().from(approvals).where(eq(approvals.id, id)));
    if (row?.notifiedAt) return row;
    if (Date.now() > until) throw new Error("approval never notified");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const linkTokenFor = async (email: string, approvalId: string) => {
  const until = Date.now() + 5000;
  for (;;) {
    const mail = await lastEmail(email, "approval_request");
    const data = mail?.data as { approval_id?: string; token?: string } | undefined;
    if (data?.approval_id === approvalId && data.token) return { token: data.token, mail };
    if (Date.now() > until) throw new Error(`no approval email for ${email}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

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

const as = (who: { token: string }, method: string, path: string, body?: unknown) =>
  call(method, `/api/v1/approvals${path}`, { token: who.token, workspace: ws, body });

describe("approvals: inbox", () => {
  it("openApproval is idempotent on (source, source_id) and writes one opened event", async () => {
    const a = await open(ws, { sourceId: "same-proposal" });
    const b = await open(ws, { sourceId: "same-proposal", title: "different" });
    expect(b.id).toBe(a.id);
    expect(b.title).toBe("Publish the Q3 report");
    const events = await tenant(ws, (db) => db.select().from(approvalEvents).where(eq(approvalEvents.approvalId, a.id)));
    expect(events.filter((e) => e.kind === "opened")).toHaveLength(1);
  });

  it("list, get with audit trail, approve; deciding twice is 409", async () => {
    const a = await open(ws);
    await notified(ws, a.id);
    const list = await as(owner, "GET", "?status=pending&source=artifact_proposal");
    expect(list.status).toBe(200);
    const mine = list.body.find((x: { id: string }) => x.id === a.id);
    expect(mine).toMatchObject({ status: "pending", can_decide: true, title: "Publish the Q3 report", details: { artifact: "q3-report" } });

    const got = await as(admin, "GET", `/${a.id}`);
    expect(got.status).toBe(200);
    expect(got.body.events.map((e: { kind: string }) => e.kind)).toEqual(["opened", "notified"]);

    const ok = await as(admin, "POST", `/${a.id}/approve`, { comment: "ship it" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: "approved",
      outcome: "approved",
      decided_by: admin.memberId,
      decided_via: "api",
      comment: "ship it",
    });
    expect(ok.body.events.at(-1)).toMatchObject({ kind: "approved", actor_member_id: admin.memberId, via: "api", comment: "ship it" });

    const again = await as(owner, "POST", `/${a.id}/reject`, {});
    expect(again.status).toBe(409);
    const twice = await as(admin, "POST", `/${a.id}/approve`, {});
    expect(twice.status).toBe(409);
    const after = await as(owner, "GET", `/${a.id}`);
    expect(after.body.status).toBe("approved");
    expect(after.body.events.filter((e: { kind: string }) => e.kind === "approved" || e.kind === "rejected")).toHaveLength(1);
  });

  it("reject with a comment; filters status and mine", async () => {
    const a = await open(ws);
    const r = await as(owner, "POST", `/${a.id}/reject`, { comment: "not yet" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "rejected", outcome: "rejected", comment: "not yet" });
    const rejected = await as(owner, "GET", "?status=rejected");
    expect(rejected.body.some((x: { id: string }) => x.id === a.id)).toBe(true);
    expect(rejected.body.every((x: { status: string }) => x.status === "rejected")).toBe(true);
    const pendingMine = await as(owner, "GET", "?status=pending&mine=true");
    expect(pendingMine.body.every((x: { can_decide: boolean }) => x.can_decide)).toBe(true);
  });

  it("paginates with skip/limit", async () => {
    await open(ws);
    await open(ws);
    const page1 = await as(owner, "GET", "?limit=1");
    const page2 = await as(owner, "GET", "?limit=1&skip=1");
    expect(page1.body).toHaveLength(1);
    expect(page2.body).toHaveLength(1);
    expect(page1.body[0].id).not.toBe(page2.body[0].id);
    expect((await as(owner, "GET", "?limit=1000")).status).toBe(422);
  });

  it("default deciders are holders of can_decide_approval (owners and admins): members and viewers see nothing", async () => {
    const a = await open(ws);
    expect((await as(member, "GET", `/${a.id}`)).status).toBe(404);
    expect((await as(viewer, "POST", `/${a.id}/approve`, {})).status).toBe(404);
    expect((await as(member, "GET", "")).body.some((x: { id: string }) => x.id === a.id)).toBe(false);
    expect((await as(owner, "GET", `/${a.id}`)).body.can_decide).toBe(true);
  });

  it("named deciders: only they decide; others who see it (can_view_approvals) get 403", async () => {
    const a = await open(ws, { deciders: { memberIds: [member.memberId] } });
    const seen = await as(member, "GET", "?mine=true");
    expect(seen.body.some((x: { id: string }) => x.id === a.id)).toBe(true);
    // The owner sees every approval but is not named.
    const denied = await as(owner, "POST", `/${a.id}/approve`, {});
    expect(denied.status).toBe(403);
    expect((await as(viewer, "POST", `/${a.id}/approve`, {})).status).toBe(404);
    const ok = await as(member, "POST", `/${a.id}/approve`, {});
    expect(ok.status).toBe(200);
    expect(ok.body.decided_by).toBe(member.memberId);
  });

  it("roles: members of the listed roles decide; a changed role no longer can", async () => {
    const extra = await join(owner, "member");
    const a = await open(ws, { deciders: { roles: ["member"] } });
    const b = await open(ws, { deciders: { roles: ["member"] } });
    expect((await as(admin, "POST", `/${a.id}/approve`, {})).status).toBe(403);
    expect((await as(extra, "POST", `/${a.id}/approve`, {})).status).toBe(200);
    const demote = await call("PUT", `/api/v1/members/${extra.memberId}`, { token: owner.token, workspace: ws, body: { role: "viewer" } });
    expect(demote.status).toBe(200);
    expect((await as(extra, "POST", `/${b.id}/approve`, {})).status).toBe(404);
    const [row] = await tenant(ws, (db) => db.select().from(approvals).where(eq(approvals.id, b.id)));
    expect(row?.status).toBe("pending");
  });

  it("the requester sees their approval but may not decide it", async () => {
    const a = await open(ws, { requestedBy: member.memberId });
    expect((await as(member, "GET", `/${a.id}`)).status).toBe(200);
    expect((await as(member, "GET", `?requested_by=${member.memberId}`)).body.some((x: { id: string }) => x.id === a.id)).toBe(true);
    expect((await as(member, "POST", `/${a.id}/approve`, {})).status).toBe(403);
  });

  it("bad input is a 4xx that writes nothing", async () => {
    const a = await open(ws);
    for (const body of [{ comment: 123 }, { comment: "x".repeat(2001) }, { outcome: "approved" }]) {
      const r = await as(owner, "POST", `/${a.id}/approve`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect((await as(owner, "GET", "?status=nope")).status).toBe(422);
    expect((await as(owner, "GET", "/not-a-uuid")).status).toBe(404);
    expect((await as(owner, "POST", `/${crypto.randomUUID()}/approve`, {})).status).toBe(404);
    const [row] = await tenant(ws, (db) => db.select().from(approvals).where(eq(approvals.id, a.id)));
    expect(row?.status).toBe("pending");
    const events = await tenant(ws, (db) => db.select().from(approvalEvents).where(eq(approvalEvents.approvalId, a.id)));
    expect(events.map((e) => e.kind).filter((k) => k !== "notified")).toEqual(["opened"]);
  });

  it("another workspace's approval is a 404, even to its owner", async () => {
    const other = await signup();
    const a = await open(ws);
    const r = await call("GET", `/api/v1/approvals/${a.id}`, { token: other.token, workspace: other.workspaceId });
    expect(r.status).toBe(404);
    const d = await call("POST", `/api/v1/approvals/${a.id}/approve`, { token: other.token, workspace: other.workspaceId, body: {} });
    expect(d.status).toBe(404);
  });
});

describe("approvals: notifications and signed links", () => {
  it("deciders get an in-app notification and an email with their own link; the link approves once", async () => {
    const { mail, result: a } = await nextEmail(admin.email, "approval_request", () => open(ws, { title: "Send the invoice" }));
    await notified(ws, a.id);
    expect(mail.subject).toContain("Send the invoice");
    const token = (mail.data as { token: string }).token;
    expect(mail.textBody).toContain(`/api/v1/approvals/links/${token}`);
    // Owner gets one too; a member does not.
    expect((await lastEmail(owner.email, "approval_request"))?.data).toMatchObject({ approval_id: a.id });
    expect((await lastEmail(member.email, "approval_request"))?.data).not.toMatchObject({ approval_id: a.id });
    const inApp = await tenant(ws, (db) => db.select().from(notifications).where(eq(notifications.recipientMemberId, admin.memberId)));
    expect(inApp.some((n) => (n.data as { approval_id?: string }).approval_id === a.id && n.eventType === "approval_requested")).toBe(true);

    const view = await call("GET", `/api/v1/approvals/links/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id: a.id, title: "Send the invoice", status: "pending", decider: { member_id: admin.memberId } });
    expect(view.headers.get("x-ratelimit-limit")).toBeTruthy();

    const bad = await call("POST", `/api/v1/approvals/links/${token}`, { body: { decision: "maybe" } });
    expect(bad.status).toBe(422);
    const ok = await call("POST", `/api/v1/approvals/links/${token}`, { body: { decision: "approve", comment: "from my phone" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "approved", outcome: "approved" });
    const used = await call("POST", `/api/v1/approvals/links/${token}`, { body: { decision: "reject" } });
    expect(used.status).toBe(409);
    const got = await as(owner, "GET", `/${a.id}`);
    expect(got.body).toMatchObject({ decided_by: admin.memberId, decided_via: "link", comment: "from my phone" });
    expect(got.body.events.at(-1)).toMatchObject({ kind: "approved", via: "link", actor_member_id: admin.memberId });
  });

  it("forged, tampered, expired and other-decider links are the same 404", async () => {
    const a = await open(ws);
    const { token } = await linkTokenFor(admin.email, a.id);
    const [payload, sig] = token.split(".") as [string, string];
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    const expired = await signApprovalLink(env.SIGNING_KEY, {
      workspaceId: ws,
      approvalId: a.id,
      memberId: admin.memberId,
      exp: Math.floor(Date.now() / 1000) - 1,
    });
    const forged = await signApprovalLink("not-the-signing-key", {
      workspaceId: ws,
      approvalId: a.id,
      memberId: admin.memberId,
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    // A validly signed link for someone who may not decide (a member) is refused too.
    const wrongDecider = await signApprovalLink(env.SIGNING_KEY, {
      workspaceId: ws,
      approvalId: a.id,
      memberId: member.memberId,
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    for (const t of [`${flip(payload)}.${sig}`, `${payload}.${flip(sig)}`, expired, forged, wrongDecider, "garbage", `${payload}.`]) {
      const g = await call("GET", `/api/v1/approvals/links/${encodeURIComponent(t)}`);
      expect(g.status, t).toBe(404);
      const p = await call("POST", `/api/v1/approvals/links/${encodeURIComponent(t)}`, { body: { decision: "approve" } });
      expect(p.status, t).toBe(404);
      expect(JSON.stringify(p.body)).not.toContain(a.id);
    }
    const [row] = await tenant(ws, (db) => db.select().from(approvals).where(eq(approvals.id, a.id)));
    expect(row?.status).toBe("pending");
  });

  it("a removed decider's link no longer works", async () => {
    const leaving = await join(owner, "admin");
    const a = await open(ws, { deciders: { memberIds: [leaving.memberId, admin.memberId] } });
    const { token } = await linkTokenFor(leaving.email, a.id);
    const removed = await call("DELETE", `/api/v1/members/${leaving.memberId}`, { token: owner.token, workspace: ws });
    expect(removed.status).toBeLessThan(300);
    expect((await call("POST", `/api/v1/approvals/links/${token}`, { body: { decision: "approve" } })).status).toBe(404);
    const [row] = await tenant(ws, (db) => db.select().from(approvals).where(eq(approvals.id, a.id)));
    expect(row?.status).toBe("pending");
  });

  it("link routes are rate limited per client IP", async () => {
    const ip = randomIp();
    let limited = 0;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await call("GET", "/api/v1/approvals/links/x.y", { headers: { "cf-connecting-ip": ip } });
      if (r.status === 429) limited++;
    }
    expect(limited).toBe(1);
    expect((await call("GET", "/api/v1/approvals/links/x.y", { headers: { "cf-connecting-ip": randomIp() } })).status).toBe(404);
  });
});

describe("approvals: timeouts, hooks and the sweep", () => {
  const seen: { decided: string[]; after: string[] } = { decided: [], after: [] };
  let failNext = 0;
  beforeAll(() => {
    registerApprovalHandler("workflow_node", {
      async decided(_ctx, _tx, a: ApprovalRow) {
        seen.decided.push(`${a.id}:${a.status}:${a.outcome}`);
      },
      async afterDecided(_ctx, a: ApprovalRow) {
        if (failNext > 0) {
          failNext--;
          throw new Error("workflow engine unavailable");
        }
        seen.after.push(`${a.id}:${a.outcome}`);
      },
    });
  });
  afterAll(() => registerApprovalHandler("workflow_node", {}));

  it("the sweep times out due approvals with their timeout outcome and records it", async () => {
    const past = new Date(Date.now() - 1000);
    const approve = await open(ws, { source: "workflow_node", sourceId: `run-${seq++}:n1`, expiresAt: past, timeoutOutcome: "approved" });
    const reject = await open(ws, { source: "workflow_node", sourceId: `run-${seq++}:n2`, expiresAt: past });
    const later = await open(ws, { source: "workflow_node", sourceId: `run-${seq++}:n3`, expiresAt: new Date(Date.now() + 3_600_000) });
    // A decider trying after expiry but before the sweep: 409.
    expect((await as(owner, "POST", `/${reject.id}/approve`, {})).status).toBe(409);
    await withSystem(ws, (ctx) => sweepWorkspaceApprovals(ctx));
    const a = await as(owner, "GET", `/${approve.id}`);
    expect(a.body).toMatchObject({ status: "timed_out", outcome: "approved", decided_via: "timeout", decided_by: null });
    expect(a.body.events.at(-1)).toMatchObject({ kind: "timed_out", via: "timeout", data: { outcome: "approved" } });
    expect((await as(owner, "GET", `/${reject.id}`)).body).toMatchObject({ status: "timed_out", outcome: "rejected" });
    expect((await as(owner, "GET", `/${later.id}`)).body.status).toBe("pending");
    expect(seen.decided).toContain(`${approve.id}:timed_out:approved`);
    expect(seen.after).toContain(`${approve.id}:approved`);
    expect((await as(owner, "POST", `/${approve.id}/reject`, {})).status).toBe(409);
  });

  it("a failed afterDecided is retried by the sweep until it succeeds, once", async () => {
    const a = await open(ws, { source: "workflow_node", sourceId: `run-${seq++}:n1` });
    failNext = 1;
    expect((await as(owner, "POST", `/${a.id}/approve`, {})).status).toBe(200);
    expect(seen.decided).toContain(`${a.id}:approved:approved`);
    expect(seen.after).not.toContain(`${a.id}:approved`);
    let [row] = await tenant(ws, (db) => db.select().from(approvals).where(eq(approvals.id, a.id)));
    expect(row?.handledAt).toBeNull();
    expect(row?.handlerError).toContain("unavailable");
    await withSystem(ws, (ctx) => sweepWorkspaceApprovals(ctx, Date.now() + 60_000));
    [row] = await tenant(ws, (db) => db.select().from(approvals).where(eq(approvals.id, a.id)));
    expect(row?.handledAt).not.toBeNull();
    expect(seen.after.filter((x) => x === `${a.id}:approved`)).toHaveLength(1);
    await withSystem(ws, (ctx) => sweepWorkspaceApprovals(ctx, Date.now() + 60_000));
    expect(seen.after.filter((x) => x === `${a.id}:approved`)).toHaveLength(1);
  });

  it("cancelApproval closes a pending approval for its source; deciding it is then 409", async () => {
    const { cancelApproval } = await import("../src/modules/approvals/internal");
    const sourceId = `run-${seq++}:n1`;
    const a = await open(ws, { source: "workflow_node", sourceId });
    const c = await withSystem(ws, (ctx) => ctx.db.transaction((tx) => cancelApproval(ctx, tx, "workflow_node", sourceId)));
    expect(c?.status).toBe("cancelled");
    expect((await as(owner, "POST", `/${a.id}/approve`, {})).status).toBe(409);
    const got = await as(owner, "GET", `/${a.id}`);
    expect(got.body.events.filter((e: { kind: string }) => e.kind === "cancelled")).toHaveLength(1);
    expect(got.body).toMatchObject({ status: "cancelled", outcome: null });
    expect(await withSystem(ws, (ctx) => cancelApproval(ctx, ctx.db, "workflow_node", sourceId))).toBeNull();
  });
});

const aiUrl = () => inject("stack").aiUrl;
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

describe("approvals: AI employees' risky tool calls", () => {
  // A risky tool for the test (no built-in tool deletes or sends yet): it records who ran it, with what.
  const ran: { args: unknown; userId: string | null }[] = [];
  beforeAll(() => {
    if (getTool("test_purge_notes")) return;
    registerTool(
      defineTool({
        name: "test_purge_notes",
        capability: "task_management",
        description: "Deletes notes (test tool)",
        needsApproval: true,
        schema: z.object({ note: z.string() }),
        run: async (ctx, args) => {
          ran.push({ args, userId: ctx.actor.kind === "user" ? ctx.actor.userId : null });
          return { purged: 1 };
        },
      }),
    );
  });

  const callTool = async (marker: string) => {
    await script(marker, [{ tool_calls: [{ name: "test_purge_notes", arguments: { note: marker } }] }, { content: "It awaits approval." }]);
    const r = await call("POST", "/api/v1/agents/atlas/run", {
      token: member.token,
      workspace: ws,
      body: { instruction: `Purge ${marker}` },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; status: string; steps: { type: string; name?: string; result?: any }[] };
  };

  it("the tool does not run; an approval is opened and the model is told; approving runs it once as the employee", async () => {
    const marker = crypto.randomUUID();
    const run = await callTool(marker);
    expect(run.status).toBe("completed");
    const result = run.steps.find((x) => x.type === "tool_result" && x.name === "test_purge_notes");
    expect(result?.result).toMatchObject({ status: "awaiting_approval", approval_id: expect.any(String) });
    const id = result?.result.approval_id as string;
    expect(ran.filter((r) => (r.args as { note: string }).note === marker)).toHaveLength(0);

    const got = await as(owner, "GET", `/${id}`);
    expect(got.body).toMatchObject({
      source: "tool_call",
      status: "pending",
      requested_by: member.memberId,
      details: { tool: "test_purge_notes", arguments: { note: marker }, run_id: run.id },
    });
    // The person who asked sees it but may not approve their own employee's action.
    expect((await as(member, "GET", `/${id}`)).status).toBe(200);
    expect((await as(member, "POST", `/${id}/approve`, {})).status).toBe(403);

    expect((await as(admin, "POST", `/${id}/approve`, {})).status).toBe(200);
    const mine = ran.filter((r) => (r.args as { note: string }).note === marker);
    expect(mine).toHaveLength(1);
    const atlas = (await call("GET", "/api/v1/agents/atlas", { token: member.token, workspace: ws })).body;
    const [employee] = await tenant(ws, (db) => db.select().from(members).where(eq(members.id, atlas.member_id)));
    expect(mine[0]?.userId).toBe(employee?.userId);
    const after = await as(owner, "GET", `/${id}`);
    expect(after.body.details.execution).toMatchObject({ status: "succeeded", result: { purged: 1 } });
    const [runRow] = await tenant(ws, (db) => db.select().from(agentRuns).where(eq(agentRuns.id, run.id)));
    expect(runRow?.steps.at(-1)).toMatchObject({
      type: "tool_result",
      name: "test_purge_notes",
      is_error: false,
      result: { approval_id: id },
    });
    // Retries (the sweep) never run it again.
    await withSystem(ws, (ctx) => sweepWorkspaceApprovals(ctx, Date.now() + 60_000));
    expect(ran.filter((r) => (r.args as { note: string }).note === marker)).toHaveLength(1);
  });

  it("a rejected tool call never runs, and the run records it", async () => {
    const marker = crypto.randomUUID();
    const run = await callTool(marker);
    const id = run.steps.find((x) => x.type === "tool_result")?.result.approval_id as string;
    expect((await as(owner, "POST", `/${id}/reject`, { comment: "no" })).status).toBe(200);
    expect(ran.filter((r) => (r.args as { note: string }).note === marker)).toHaveLength(0);
    const after = await as(owner, "GET", `/${id}`);
    expect(after.body.details.execution).toMatchObject({ status: "not_run" });
    const [runRow] = await tenant(ws, (db) => db.select().from(agentRuns).where(eq(agentRuns.id, run.id)));
    expect(runRow?.steps.at(-1)).toMatchObject({ type: "tool_result", is_error: true, result: { approval_id: id, execution: "not_run" } });
  });
});

describeSecurity("approvals", [
  { method: "GET", path: "/api/v1/approvals", workspace: true },
  { method: "GET", path: `/api/v1/approvals/${crypto.randomUUID()}`, workspace: true },
  { method: "POST", path: `/api/v1/approvals/${crypto.randomUUID()}/approve`, workspace: true, body: {} },
  { method: "POST", path: `/api/v1/approvals/${crypto.randomUUID()}/reject`, workspace: true, body: {} },
]);

describeAnonymousLimits();
