import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { records } from "../src/modules/records/tables";
import { recordsetAccess, recordsets } from "../src/modules/recordsets/tables";
import { recordInsights, recordInteractions, recordTasks } from "../src/modules/tracking/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, type Joined, join, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);
const db = <T>(f: (db: Db) => Promise<T>) => tenant(ws, f);
const aiBase = () => inject("stack").aiUrl.replace(/\/v1$/, "");
const marker = () => `mk-${crypto.randomUUID()}`;

/** Scripted model replies for every request whose prompt contains `match`. */
async function script(match: string, replies: Record<string, unknown>[]) {
  const r = await fetch(`${aiBase()}/__script`, { method: "POST", body: JSON.stringify({ match, replies }) });
  expect(r.status).toBe(200);
}
async function requestsMatching(match: string): Promise<number> {
  const r = await fetch(`${aiBase()}/__script/${encodeURIComponent(match)}`);
  return ((await r.json()) as { requests: number }).requests;
}

let owner: SignedUp;
let ownerId: string;
let ws: string;
/** member with a can_view + can_edit grant (edits its own records only). */
let m1: Joined;
/** member without a grant. */
let m2: Joined;
/** viewer with a can_view grant (no can_use_ai). */
let viewer: Joined;
let rsId: string;

type Who = { token: string };
const as = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });
let seq = 0;
const unique = (p: string) => `${p}-${Date.now().toString(36)}${(seq++).toString(36)}`;
const DAY = 86_400_000;

async function makeRecordset() {
  return db(async (d) => {
    const slug = unique("leads");
    const [r] = await d
      .insert(recordsets)
      .values({
        slug,
        name: "Leads",
        type: "leads",
        createdByMemberId: ownerId,
        fields: [
          { key: "name", name: "Name", type: "text", is_primary: true },
          { key: "notes", name: "Notes", type: "text" },
        ],
      })
      .returning();
    if (!r) throw new Error("no recordset");
    return r;
  });
}

async function makeRecord(recordsetId: string, createdBy: string, values: Record<string, unknown>) {
  return db(async (d) => {
    const name = (values.name as string) ?? unique("Lead");
    const [r] = await d
      .insert(records)
      .values({ recordsetId, fieldValues: { name, ...values }, title: name, createdByMemberId: createdBy })
      .returning();
    if (!r) throw new Error("no record");
    return r;
  });
}

const insightCount = (recordId: string) => db((d) => d.$count(recordInsights, eq(recordInsights.recordId, recordId)));

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [m1, m2, viewer] = await Promise.all([join(owner, "member"), join(owner, "member"), join(owner, "viewer")]);
  ownerId = (await call("GET", "/api/v1/members/me", { token: owner.token, workspace: ws })).body.id;
  const rs = await makeRecordset();
  rsId = rs.id;
  await db((d) =>
    d.insert(recordsetAccess).values([
      { recordsetId: rs.id, memberId: m1.memberId, canView: true, canEdit: true },
      { recordsetId: rs.id, memberId: viewer.memberId, canView: true },
    ]),
  );
});

describe("ai-analysis", () => {
  it("sends the record, its timeline and tasks to the model and returns the structured analysis", async () => {
    const mk = marker();
    const rec = await makeRecord(rsId, m1.memberId, { name: "Globex", notes: `Wants 40 seats ${mk}` });
    await db(async (d) => {
      await d.insert(recordInteractions).values({
        recordId: rec.id,
        recordsetId: rsId,
        type: "call",
        summary: "Asked about SSO",
        occurredAt: new Date(Date.now() - 3 * DAY),
      });
      await d
        .insert(recordTasks)
        .values({ recordId: rec.id, recordsetId: rsId, title: "Send SSO docs", dueAt: new Date(Date.now() - DAY) });
    });
    const analysis = {
      summary: "Warm lead evaluating SSO",
      health: "good",
      sentiment: "positive",
      key_points: ["40 seats"],
      risks: ["SSO docs overdue"],
      opportunities: ["Enterprise plan"],
      recommended_actions: ["Send the SSO docs today"],
    };
    await script(mk, [{ content: JSON.stringify(analysis) }]);
    const r = await as(m1, "POST", `/api/v1/tracking/${rec.id}/ai-analysis`, { focus: "expansion" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ record_id: rec.id, analysis });
    expect(typeof r.body.model).toBe("string");
    expect(r.body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(await requestsMatching(mk)).toBe(1);
    // Without a body as well; the viewer (no can_use_ai) cannot, m2 (no grant) sees nothing.
    expect((await as(owner, "POST", `/api/v1/tracking/${rec.id}/ai-analysis`)).status).toBe(200);
    expect((await as(viewer, "POST", `/api/v1/tracking/${rec.id}/ai-analysis`)).status).toBe(403);
    expect((await as(m2, "POST", `/api/v1/tracking/${rec.id}/ai-analysis`)).status).toBe(404);
    expect(await requestsMatching(mk)).toBe(2);
  });

  it("maps provider failures (502) and answers that do not fit the schema (422)", async () => {
    const mk = marker();
    const rec = await makeRecord(rsId, ownerId, { notes: mk });
    await script(mk, [{ status: 500 }]);
    const failed = await as(owner, "POST", `/api/v1/tracking/${rec.id}/ai-analysis`);
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe("ai_provider_error");
    const mk2 = marker();
    const rec2 = await makeRecord(rsId, ownerId, { notes: mk2 });
    await script(mk2, [{ content: "not json at all" }]);
    const bad = await as(owner, "POST", `/api/v1/tracking/${rec2.id}/ai-analysis`);
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("extraction_failed");
    expect(await requestsMatching(mk2)).toBe(2);
  });
});

describe("draft-message", () => {
  it("drafts an email with a subject, an sms without", async () => {
    const mk = marker();
    const rec = await makeRecord(rsId, m1.memberId, { name: "Initech", notes: mk });
    await script(mk, [
      { content: JSON.stringify({ subject: "Next steps", body: "Hi Bill, following up…" }) },
      { content: JSON.stringify({ subject: "", body: "Hi Bill! Quick check-in." }) },
    ]);
    const email = await as(m1, "POST", `/api/v1/tracking/${rec.id}/draft-message`, { purpose: "book a demo", recipient_name: "Bill" });
    expect(email.status, JSON.stringify(email.body)).toBe(200);
    expect(email.body).toMatchObject({ record_id: rec.id, channel: "email", subject: "Next steps", body: "Hi Bill, following up…" });
    const sms = await as(viewer, "POST", `/api/v1/tracking/${rec.id}/draft-message`, { channel: "sms", tone: "concise" });
    // The viewer may see the record but not use AI.
    expect(sms.status).toBe(403);
    const sms2 = await as(m1, "POST", `/api/v1/tracking/${rec.id}/draft-message`, { channel: "sms", tone: "concise" });
    expect(sms2.body).toMatchObject({ channel: "sms", subject: null, body: "Hi Bill! Quick check-in." });
  });

  it("422s bad options before calling the model", async () => {
    const mk = marker();
    const rec = await makeRecord(rsId, ownerId, { notes: mk });
    for (const [body, loc] of [
      [{ channel: "fax" }, ["body", "channel"]],
      [{ tone: "angry" }, ["body", "tone"]],
      [{ purpose: "" }, ["body", "purpose"]],
    ] as const) {
      const r = await as(owner, "POST", `/api/v1/tracking/${rec.id}/draft-message`, body);
      expect(r.status).toBe(422);
      expect(r.body.detail[0].loc).toEqual(loc);
    }
    expect(await requestsMatching(mk)).toBe(0);
  });
});

describe("generate-insights", () => {
  it("stores the model's insights as active AI insights", async () => {
    const mk = marker();
    const rec = await makeRecord(rsId, m1.memberId, { name: "Umbrella", notes: mk });
    await script(mk, [
      {
        content: JSON.stringify({
          insights: [
            { type: "risk", title: "No contact in 60 days", body: "The lead is going cold.", priority: "high" },
            { type: "opportunity", title: "Asked about enterprise", body: "Upsell.", priority: "medium" },
          ],
        }),
      },
    ]);
    const r = await as(m1, "POST", `/api/v1/tracking/${rec.id}/generate-insights`, { max_insights: 3 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.insights).toHaveLength(2);
    expect(r.body.insights[0]).toMatchObject({
      record_id: rec.id,
      recordset_id: rsId,
      type: "risk",
      title: "No contact in 60 days",
      priority: "high",
      status: "active",
      source: "ai",
      created_by: m1.memberId,
    });
    expect(r.body.insights[0].model).toBe(r.body.model);
    const list = await as(viewer, "GET", `/api/v1/tracking/${rec.id}/insights`);
    expect(list.body.total).toBe(2);
  });

  it("stores nothing when the model fails or the caller may not edit", async () => {
    const mk = marker();
    const rec = await makeRecord(rsId, ownerId, { notes: mk });
    await script(mk, [{ content: JSON.stringify({ insights: [{ type: "gossip", title: "x", body: "y", priority: "high" }] }) }]);
    const bad = await as(owner, "POST", `/api/v1/tracking/${rec.id}/generate-insights`);
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("extraction_failed");
    // A record m1 did not create: 403 before any model call; no grant: 404; bad options: 422.
    const calls = await requestsMatching(mk);
    expect((await as(m1, "POST", `/api/v1/tracking/${rec.id}/generate-insights`)).status).toBe(403);
    expect((await as(m2, "POST", `/api/v1/tracking/${rec.id}/generate-insights`)).status).toBe(404);
    const tooMany = await as(owner, "POST", `/api/v1/tracking/${rec.id}/generate-insights`, { max_insights: 11 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.detail[0].loc).toEqual(["body", "max_insights"]);
    expect(await requestsMatching(mk)).toBe(calls);
    expect(await insightCount(rec.id)).toBe(0);
  });
});

describe("follow-ups", () => {
  it("suggests follow-ups among neglected records only", async () => {
    const mk = marker();
    const rs = await makeRecordset();
    const never = await makeRecord(rs.id, ownerId, { name: "Never called", notes: mk });
    const recent = await makeRecord(rs.id, ownerId, { name: "Called yesterday", notes: mk });
    const overdue = await makeRecord(rs.id, ownerId, { name: "Overdue task", notes: mk });
    const old = await makeRecord(rs.id, ownerId, { name: "Called long ago", notes: mk });
    await db(async (d) => {
      await d.insert(recordInteractions).values([
        { recordId: recent.id, recordsetId: rs.id, type: "call", occurredAt: new Date(Date.now() - DAY) },
        { recordId: overdue.id, recordsetId: rs.id, type: "call", occurredAt: new Date(Date.now() - DAY) },
        { recordId: old.id, recordsetId: rs.id, type: "email", occurredAt: new Date(Date.now() - 30 * DAY) },
      ]);
      await d
        .insert(recordTasks)
        .values({ recordId: overdue.id, recordsetId: rs.id, title: "Call back", dueAt: new Date(Date.now() - 2 * DAY) });
    });
    const s = (id: string, action: string) => ({ record_id: id, reason: "r", suggested_action: action, channel: "call", priority: "high" });
    await script(mk, [
      {
        content: JSON.stringify({
          suggestions: [
            s(overdue.id, "Call back now"),
            s(recent.id, "not a candidate"),
            s(crypto.randomUUID(), "made up"),
            s(never.id, "Intro call"),
            s(never.id, "dup"),
          ],
        }),
      },
    ]);
    const r = await as(owner, "POST", `/api/v1/tracking/${rs.slug}/follow-ups`, { limit: 5 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ recordset_id: rs.id, candidates_considered: 3 });
    expect(r.body.suggestions.map((x: { record_id: string }) => x.record_id)).toEqual([overdue.id, never.id]);
    expect(r.body.suggestions[0]).toMatchObject({
      record_title: "Overdue task",
      open_tasks: 1,
      overdue_tasks: 1,
      suggested_action: "Call back now",
    });
    expect(r.body.suggestions[1]).toMatchObject({ record_title: "Never called", last_interaction_at: null, open_tasks: 0 });

    // With a 60-day window, only the never-contacted and overdue records qualify.
    const narrow = await as(owner, "POST", `/api/v1/tracking/${rs.id}/follow-ups`, { days_without_contact: 60 });
    expect(narrow.body.candidates_considered).toBe(2);
  });

  it("calls no model without candidates, and applies access", async () => {
    const rs = await makeRecordset();
    const r = await as(owner, "POST", `/api/v1/tracking/${rs.id}/follow-ups`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ candidates_considered: 0, suggestions: [], credits: 0 });
    expect((await as(m2, "POST", `/api/v1/tracking/${rsId}/follow-ups`)).status).toBe(404);
    expect((await as(viewer, "POST", `/api/v1/tracking/${rsId}/follow-ups`)).status).toBe(403);
    const bad = await as(owner, "POST", `/api/v1/tracking/${rs.id}/follow-ups`, { limit: 0 });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "limit"]);
  });
});

describe("another workspace", () => {
  it("404s the AI endpoints", async () => {
    const other = await signup();
    const rec = await makeRecord(rsId, ownerId, {});
    for (const p of [`${rec.id}/ai-analysis`, `${rec.id}/draft-message`, `${rec.id}/generate-insights`, `${rsId}/follow-ups`]) {
      const r = await call("POST", `/api/v1/tracking/${p}`, { token: other.token, workspace: other.workspaceId });
      expect(r.status, p).toBe(404);
    }
  });
});

const id = "0190a0a0-0000-7000-8000-000000000000";
describeSecurity("record tracking AI", [
  { method: "POST", path: `/api/v1/tracking/${id}/ai-analysis`, workspace: true },
  { method: "POST", path: `/api/v1/tracking/${id}/draft-message`, workspace: true },
  { method: "POST", path: `/api/v1/tracking/${id}/generate-insights`, workspace: true },
  { method: "POST", path: `/api/v1/tracking/${id}/follow-ups`, workspace: true },
]);
