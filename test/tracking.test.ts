import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { notifications } from "../src/modules/notifications/tables";
import { records } from "../src/modules/records/tables";
import { recordsetAccess, recordsets } from "../src/modules/recordsets/tables";
import { recordInsights, recordInteractions, recordTasks } from "../src/modules/tracking/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, type Joined, join, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);
const db = <T>(f: (db: Db) => Promise<T>) => tenant(ws, f);

let owner: SignedUp;
let ownerId: string;
let ws: string;
let admin: Joined;
/** member with a can_view + can_edit grant: the role limits it to records it created. */
let m1: Joined;
/** member without any grant. */
let m2: Joined;
/** viewer with a can_view + can_edit grant: the role limits it to viewing. */
let viewer: Joined;
let rsId: string;
let rsSlug: string;
/** Created by m1 (m1 may edit it), and by the owner (m1 may not). */
let m1Record: string;
let ownerRecord: string;

type Who = { token: string };
const as = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });

let seq = 0;
const unique = (p: string) => `${p}-${Date.now().toString(36)}${(seq++).toString(36)}`;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

async function makeRecordset(createdBy: string) {
  return db(async (d) => {
    const slug = unique("deals");
    const [r] = await d
      .insert(recordsets)
      .values({
        slug,
        name: slug,
        createdByMemberId: createdBy,
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

async function makeRecord(
  recordsetId: string,
  createdBy: string,
  values: Record<string, unknown> = {},
  extra: Partial<typeof records.$inferInsert> = {},
) {
  return db(async (d) => {
    const name = (values.name as string) ?? unique("Acme");
    const [r] = await d
      .insert(records)
      .values({
        recordsetId,
        fieldValues: { name, ...values },
        title: name,
        searchText: name.toLowerCase(),
        createdByMemberId: createdBy,
        ...extra,
      })
      .returning();
    if (!r) throw new Error("no record");
    return r;
  });
}

const count = (table: typeof recordInteractions | typeof recordTasks | typeof recordInsights) => db((d) => d.$count(table));

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [admin, m1, m2, viewer] = await Promise.all([join(owner, "admin"), join(owner, "member"), join(owner, "member"), join(owner, "viewer")]);
  ownerId = (await call("GET", "/api/v1/members/me", { token: owner.token, workspace: ws })).body.id;
  const rs = await makeRecordset(ownerId);
  rsId = rs.id;
  rsSlug = rs.slug;
  await db((d) =>
    d.insert(recordsetAccess).values([
      { recordsetId: rs.id, memberId: m1.memberId, canView: true, canEdit: true },
      { recordsetId: rs.id, memberId: viewer.memberId, canView: true, canEdit: true },
    ]),
  );
  m1Record = (await makeRecord(rs.id, m1.memberId)).id;
  ownerRecord = (await makeRecord(rs.id, ownerId)).id;
});

describe("interactions", () => {
  it("logs, lists as a timeline (newest first), filters, updates and deletes", async () => {
    const first = await as(m1, "POST", `/api/v1/tracking/${m1Record}/interactions`, {
      type: "call",
      direction: "outbound",
      subject: "Intro call",
      summary: "Talked about pricing",
      outcome: "Interested",
      duration_minutes: 15,
      occurred_at: "2026-01-10T09:00:00Z",
      metadata: { phone: "+1 555" },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      record_id: m1Record,
      recordset_id: rsId,
      type: "call",
      direction: "outbound",
      duration_minutes: 15,
      occurred_at: "2026-01-10T09:00:00.000Z",
      member: { id: m1.memberId, name: "A member" },
      metadata: { phone: "+1 555" },
    });
    const second = await as(m1, "POST", `/api/v1/tracking/${m1Record}/interactions`, { type: "email", member_id: admin.memberId });
    expect(second.status).toBe(200);
    expect(second.body.member.id).toBe(admin.memberId);
    expect(Date.now() - Date.parse(second.body.occurred_at)).toBeLessThan(60_000);

    const list = await as(viewer, "GET", `/api/v1/tracking/${m1Record}/interactions`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 2, page: 1, page_size: 50 });
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([second.body.id, first.body.id]);
    const calls = await as(m1, "GET", `/api/v1/tracking/${m1Record}/interactions?interaction_type=call,meeting&page_size=1`);
    expect(calls.body).toMatchObject({ total: 1, page_size: 1 });
    expect(calls.body.items[0].id).toBe(first.body.id);
    expect((await as(m1, "GET", `/api/v1/tracking/${m1Record}/interactions?interaction_type=fax`)).status).toBe(422);

    const upd = await as(m1, "PUT", `/api/v1/tracking/interactions/${first.body.id}`, { outcome: "Signed", direction: null });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ outcome: "Signed", direction: null, subject: "Intro call", type: "call" });

    const del = await as(m1, "DELETE", `/api/v1/tracking/interactions/${second.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ id: second.body.id, deleted: true });
    expect((await as(m1, "DELETE", `/api/v1/tracking/interactions/${second.body.id}`)).status).toBe(404);
    expect((await as(m1, "GET", `/api/v1/tracking/${m1Record}/interactions`)).body.total).toBe(1);
  });

  it("422s bad input and writes nothing", async () => {
    const before = await count(recordInteractions);
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{}, ["body", "type"]],
      [{ type: "fax" }, ["body", "type"]],
      [{ type: "call", direction: "sideways" }, ["body", "direction"]],
      [{ type: "call", occurred_at: "yesterday" }, ["body", "occurred_at"]],
      [{ type: "call", duration_minutes: -1 }, ["body", "duration_minutes"]],
      [{ type: "call", member_id: "nope" }, ["body", "member_id"]],
      [{ type: "call", member_id: crypto.randomUUID() }, ["body", "member_id"]],
      [{ type: "call", metadata: { big: "x".repeat(20_000) } }, ["body", "metadata"]],
    ];
    for (const [body, loc] of cases) {
      const r = await as(m1, "POST", `/api/v1/tracking/${m1Record}/interactions`, body);
      expect(r.status, JSON.stringify(body).slice(0, 100)).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(typeof r.body.request_id).toBe("string");
      expect(r.body.detail[0].loc).toEqual(loc);
    }
    expect(await count(recordInteractions)).toBe(before);
  });

  it("applies the record's access: edit_own, view-only, no grant, admin", async () => {
    const body = { type: "note", summary: "x" };
    // m1 may edit only what it created.
    const denied = await as(m1, "POST", `/api/v1/tracking/${ownerRecord}/interactions`, body);
    expect(denied.status).toBe(403);
    expect((await as(m1, "GET", `/api/v1/tracking/${ownerRecord}/interactions`)).status).toBe(200);
    // The viewer's grant says edit, its role says no.
    expect((await as(viewer, "POST", `/api/v1/tracking/${m1Record}/interactions`, body)).status).toBe(403);
    // No grant: the record does not exist for m2.
    for (const [m, p] of [
      ["GET", `/api/v1/tracking/${m1Record}/interactions`],
      ["POST", `/api/v1/tracking/${m1Record}/interactions`],
    ] as const) {
      const r = await as(m2, m, p, m === "POST" ? body : undefined);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe("not_found");
    }
    const byAdmin = await as(admin, "POST", `/api/v1/tracking/${ownerRecord}/interactions`, body);
    expect(byAdmin.status).toBe(200);
    // Another person's interaction on an owner record: m1 cannot change it, viewer cannot, m2 cannot see it.
    const id = byAdmin.body.id;
    expect((await as(m1, "PUT", `/api/v1/tracking/interactions/${id}`, { summary: "y" })).status).toBe(403);
    expect((await as(viewer, "DELETE", `/api/v1/tracking/interactions/${id}`)).status).toBe(403);
    expect((await as(m2, "PUT", `/api/v1/tracking/interactions/${id}`, { summary: "y" })).status).toBe(404);
    expect((await as(m2, "DELETE", `/api/v1/tracking/interactions/${id}`)).status).toBe(404);
    expect((await as(owner, "DELETE", `/api/v1/tracking/interactions/${id}`)).status).toBe(200);
    // Unknown and malformed ids.
    expect((await as(owner, "GET", `/api/v1/tracking/${crypto.randomUUID()}/interactions`)).status).toBe(404);
    expect((await as(owner, "GET", "/api/v1/tracking/not-a-uuid/interactions")).status).toBe(404);
    expect((await as(owner, "PUT", "/api/v1/tracking/interactions/not-a-uuid", { summary: "y" })).status).toBe(404);
  });

  it("a deleted record's timeline is gone", async () => {
    const r = await makeRecord(rsId, ownerId, {}, { status: "deleted" });
    expect((await as(owner, "GET", `/api/v1/tracking/${r.id}/interactions`)).status).toBe(404);
  });
});

describe("record tasks", () => {
  it("creates (notifying the assignee), lists with filters, updates and completes", async () => {
    const t = await as(m1, "POST", `/api/v1/tracking/${m1Record}/tasks`, {
      title: "Send proposal",
      description: "v2",
      due_at: "2026-02-01",
      priority: "high",
      assignee_id: viewer.memberId,
    });
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    expect(t.body).toMatchObject({
      record_id: m1Record,
      recordset_id: rsId,
      title: "Send proposal",
      due_at: "2026-02-01T00:00:00.000Z",
      status: "todo",
      priority: "high",
      assignee: { id: viewer.memberId, name: "A viewer" },
      created_by: m1.memberId,
      completed_at: null,
    });
    expect(t.body.is_overdue).toBe(Date.now() > Date.parse("2026-02-01"));
    const n = await db((d) =>
      d
        .select()
        .from(notifications)
        .where(and(eq(notifications.recipientMemberId, viewer.memberId), eq(notifications.eventType, "task_assigned"))),
    );
    expect(n.some((x) => x.data.record_task_id === t.body.id)).toBe(true);

    const low = await as(m1, "POST", `/api/v1/tracking/${m1Record}/tasks`, { title: "Low one", priority: "low" });
    const all = await as(viewer, "GET", `/api/v1/tracking/${m1Record}/tasks`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((x: { id: string }) => x.id)).toEqual([low.body.id, t.body.id]);
    const high = await as(viewer, "GET", `/api/v1/tracking/${m1Record}/tasks?priority=high,urgent`);
    expect(high.body.items.map((x: { id: string }) => x.id)).toEqual([t.body.id]);

    // Completing through PUT stamps completed_at/by; reopening clears them.
    const done = await as(m1, "PUT", `/api/v1/tracking/tasks/${low.body.id}`, { status: "completed", title: "Low one!" });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "completed", title: "Low one!", completed_by: m1.memberId, is_overdue: false });
    expect(done.body.completed_at).not.toBeNull();
    const open = await as(viewer, "GET", `/api/v1/tracking/${m1Record}/tasks?include_completed=false`);
    expect(open.body.items.map((x: { id: string }) => x.id)).toEqual([t.body.id]);
    expect((await as(viewer, "GET", `/api/v1/tracking/${m1Record}/tasks?status=completed`)).body.total).toBe(1);
    const reopened = await as(m1, "PUT", `/api/v1/tracking/tasks/${low.body.id}`, { status: "todo", due_at: null, assignee_id: null });
    expect(reopened.body).toMatchObject({ status: "todo", completed_at: null, completed_by: null, due_at: null, assignee: null });

    // The assignee (view-only viewer) may complete its own task, and only that.
    const c = await as(viewer, "POST", `/api/v1/tracking/tasks/${t.body.id}/complete`);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: "completed", completed_by: viewer.memberId });
    const again = await as(viewer, "POST", `/api/v1/tracking/tasks/${t.body.id}/complete`);
    expect(again.body.completed_at).toBe(c.body.completed_at);
    expect((await as(viewer, "POST", `/api/v1/tracking/tasks/${low.body.id}/complete`)).status).toBe(403);
    await as(m1, "PUT", `/api/v1/tracking/tasks/${low.body.id}`, { status: "cancelled" });
    const cancelled = await as(m1, "POST", `/api/v1/tracking/tasks/${low.body.id}/complete`);
    expect(cancelled.status).toBe(409);

    expect((await as(m1, "DELETE", `/api/v1/tracking/tasks/${low.body.id}`)).body).toEqual({ id: low.body.id, deleted: true });
    expect((await as(m1, "GET", `/api/v1/tracking/${m1Record}/tasks`)).body.total).toBe(1);
  });

  it("422s bad input and writes nothing", async () => {
    const before = await count(recordTasks);
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{}, ["body", "title"]],
      [{ title: "   " }, ["body", "title"]],
      [{ title: "x", status: "done" }, ["body", "status"]],
      [{ title: "x", priority: "critical" }, ["body", "priority"]],
      [{ title: "x", due_at: "next week" }, ["body", "due_at"]],
      [{ title: "x", assignee_id: crypto.randomUUID() }, ["body", "assignee_id"]],
    ];
    for (const [body, loc] of cases) {
      const r = await as(m1, "POST", `/api/v1/tracking/${m1Record}/tasks`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.detail[0].loc).toEqual(loc);
    }
    expect(await count(recordTasks)).toBe(before);
    const t = await as(m1, "POST", `/api/v1/tracking/${m1Record}/tasks`, { title: "Keep" });
    const bad = await as(m1, "PUT", `/api/v1/tracking/tasks/${t.body.id}`, { title: "Changed", assignee_id: crypto.randomUUID() });
    expect(bad.status).toBe(422);
    const [row] = await db((d) => d.select().from(recordTasks).where(eq(recordTasks.id, t.body.id)));
    expect(row?.title).toBe("Keep");
  });

  it("applies the record's access", async () => {
    expect((await as(m1, "POST", `/api/v1/tracking/${ownerRecord}/tasks`, { title: "x" })).status).toBe(403);
    expect((await as(viewer, "POST", `/api/v1/tracking/${m1Record}/tasks`, { title: "x" })).status).toBe(403);
    expect((await as(m2, "POST", `/api/v1/tracking/${m1Record}/tasks`, { title: "x" })).status).toBe(404);
    expect((await as(m2, "GET", `/api/v1/tracking/${m1Record}/tasks`)).status).toBe(404);
    const t = await as(admin, "POST", `/api/v1/tracking/${ownerRecord}/tasks`, { title: "Admin's" });
    expect(t.status).toBe(200);
    expect((await as(m1, "PUT", `/api/v1/tracking/tasks/${t.body.id}`, { title: "mine now" })).status).toBe(403);
    expect((await as(m1, "POST", `/api/v1/tracking/tasks/${t.body.id}/complete`)).status).toBe(403);
    expect((await as(m1, "DELETE", `/api/v1/tracking/tasks/${t.body.id}`)).status).toBe(403);
    for (const [m, p] of [
      ["PUT", `/api/v1/tracking/tasks/${t.body.id}`],
      ["POST", `/api/v1/tracking/tasks/${t.body.id}/complete`],
      ["DELETE", `/api/v1/tracking/tasks/${t.body.id}`],
    ] as const) {
      expect((await as(m2, m, p, m === "PUT" ? { title: "z" } : undefined)).status).toBe(404);
    }
  });
});

describe("insights", () => {
  async function insight(values: Partial<typeof recordInsights.$inferInsert> = {}) {
    return db(async (d) => {
      const [r] = await d
        .insert(recordInsights)
        .values({ recordId: m1Record, recordsetId: rsId, type: "risk", title: unique("Insight"), body: "b", ...values })
        .returning();
      if (!r) throw new Error("no insight");
      return r;
    });
  }

  it("lists (dismissed hidden by default), dismisses and marks actioned", async () => {
    const a = await insight({ type: "opportunity", priority: "high" });
    const b = await insight({ type: "risk" });
    const list = await as(viewer, "GET", `/api/v1/tracking/${m1Record}/insights`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(list.body.items.find((x: { id: string }) => x.id === a.id)).toMatchObject({
      type: "opportunity",
      priority: "high",
      status: "active",
      source: "ai",
    });

    const d = await as(m1, "POST", `/api/v1/tracking/insights/${b.id}/dismiss`);
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ status: "dismissed", dismissed_by: m1.memberId });
    expect((await as(m1, "POST", `/api/v1/tracking/insights/${b.id}/dismiss`)).body.dismissed_at).toBe(d.body.dismissed_at);
    const visible = await as(m1, "GET", `/api/v1/tracking/${m1Record}/insights`);
    expect(visible.body.items.map((x: { id: string }) => x.id)).not.toContain(b.id);
    const withDismissed = await as(m1, "GET", `/api/v1/tracking/${m1Record}/insights?include_dismissed=true&insight_type=risk`);
    expect(withDismissed.body.items.map((x: { id: string }) => x.id)).toContain(b.id);
    expect(withDismissed.body.items.every((x: { type: string }) => x.type === "risk")).toBe(true);

    const act = await as(m1, "POST", `/api/v1/tracking/insights/${a.id}/action-taken`, { note: "Called them" });
    expect(act.status).toBe(200);
    expect(act.body).toMatchObject({ status: "actioned", actioned_by: m1.memberId, action_note: "Called them" });
    // Without a body too; an actioned insight cannot be dismissed.
    const c = await insight();
    expect((await as(m1, "POST", `/api/v1/tracking/insights/${c.id}/action-taken`)).body).toMatchObject({
      status: "actioned",
      action_note: null,
    });
    expect((await as(m1, "POST", `/api/v1/tracking/insights/${a.id}/dismiss`)).status).toBe(409);
    // A dismissed insight can still be acted on.
    expect((await as(m1, "POST", `/api/v1/tracking/insights/${b.id}/action-taken`)).body.status).toBe("actioned");
  });

  it("validates and applies the record's access", async () => {
    const i = await insight();
    const long = await as(m1, "POST", `/api/v1/tracking/insights/${i.id}/action-taken`, { note: "x".repeat(3000) });
    expect(long.status).toBe(422);
    expect(long.body.detail[0].loc).toEqual(["body", "note"]);
    expect((await as(m1, "GET", `/api/v1/tracking/${m1Record}/insights?include_dismissed=maybe`)).status).toBe(422);
    expect((await as(viewer, "POST", `/api/v1/tracking/insights/${i.id}/dismiss`)).status).toBe(403);
    expect((await as(viewer, "POST", `/api/v1/tracking/insights/${i.id}/action-taken`)).status).toBe(403);
    expect((await as(m2, "POST", `/api/v1/tracking/insights/${i.id}/dismiss`)).status).toBe(404);
    expect((await as(m2, "GET", `/api/v1/tracking/${m1Record}/insights`)).status).toBe(404);
    const [row] = await db((d) => d.select().from(recordInsights).where(eq(recordInsights.id, i.id)));
    expect(row?.status).toBe("active");
  });
});

describe("dashboard", () => {
  it("counts known data exactly", async () => {
    const rs = await makeRecordset(ownerId);
    const A = await makeRecord(rs.id, ownerId, { name: "A" });
    const B = await makeRecord(rs.id, ownerId, { name: "B" });
    const C = await makeRecord(rs.id, ownerId, { name: "C" }, { status: "archived" });
    const G = await makeRecord(rs.id, ownerId, { name: "G" });
    const E = await makeRecord(rs.id, ownerId, { name: "E" }, { status: "deleted" });
    const on = (r: { id: string }) => ({ recordId: r.id, recordsetId: rs.id });
    await db(async (d) => {
      await d.insert(recordInteractions).values([
        { ...on(A), type: "call", occurredAt: ago(2) },
        { ...on(A), type: "email", occurredAt: ago(10) },
        { ...on(B), type: "meeting", occurredAt: ago(40) },
        { ...on(C), type: "note", occurredAt: ago(1) },
        { ...on(E), type: "call", occurredAt: ago(1) },
      ]);
      await d.insert(recordTasks).values([
        { ...on(A), title: "overdue", status: "todo", dueAt: ago(1) },
        { ...on(A), title: "done", status: "completed", completedAt: ago(3) },
        { ...on(B), title: "soon", status: "in_progress", dueAt: ago(-3) },
        { ...on(C), title: "cancelled", status: "cancelled", dueAt: ago(5) },
        { ...on(E), title: "gone", status: "todo", dueAt: ago(1) },
      ]);
      await d.insert(recordInsights).values([
        { ...on(A), type: "risk", title: "r", priority: "high" },
        { ...on(A), type: "risk", title: "d", status: "dismissed" },
        { ...on(B), type: "opportunity", title: "o", status: "actioned" },
        { ...on(B), type: "follow_up", title: "f", priority: "low" },
        { ...on(E), type: "risk", title: "gone" },
      ]);
    });
    for (const key of [rs.id, rs.slug]) {
      const r = await as(owner, "GET", `/api/v1/tracking/${key}/dashboard`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({
        recordset_id: rs.id,
        recordset_slug: rs.slug,
        records: { total: 4, by_status: { active: 3, archived: 1 }, without_interaction_30d: 2, never_contacted: 1 },
        interactions: { total: 4, last_7_days: 2, last_30_days: 3, by_type: { call: 1, email: 1, note: 1 } },
        tasks: {
          total: 4,
          open: 2,
          overdue: 1,
          due_next_7_days: 1,
          completed_last_30_days: 1,
          by_status: { todo: 1, completed: 1, in_progress: 1, cancelled: 1 },
        },
        insights: { active: 2, dismissed: 1, actioned: 1, active_by_priority: { high: 1, low: 1 } },
      });
      expect(Math.abs(Date.parse(r.body.interactions.last_interaction_at) - ago(1).getTime())).toBeLessThan(60_000);
      expect(r.body.stale_records.map((x: { id: string }) => x.id)).toEqual([G.id, B.id, A.id]);
      expect(r.body.stale_records[0]).toEqual({ id: G.id, title: "G", last_interaction_at: null });
    }
    const empty = await makeRecordset(ownerId);
    const e = await as(owner, "GET", `/api/v1/tracking/${empty.id}/dashboard`);
    expect(e.body).toMatchObject({
      records: { total: 0, by_status: {}, without_interaction_30d: 0 },
      interactions: { total: 0, last_interaction_at: null },
      stale_records: [],
    });
  });

  it("needs can_view on the recordset", async () => {
    expect((await as(viewer, "GET", `/api/v1/tracking/${rsId}/dashboard`)).status).toBe(200);
    expect((await as(m1, "GET", `/api/v1/tracking/${rsSlug}/dashboard`)).status).toBe(200);
    expect((await as(m2, "GET", `/api/v1/tracking/${rsId}/dashboard`)).status).toBe(404);
    expect((await as(owner, "GET", `/api/v1/tracking/${crypto.randomUUID()}/dashboard`)).status).toBe(404);
  });
});

describe("through the records API", () => {
  it("tracks a record made by the API; a deleted record's tracking disappears with it", async () => {
    const rs = await as(owner, "POST", "/api/v1/recordsets", {
      name: unique("Pipeline"),
      fields: [{ key: "name", name: "Name", type: "text", is_primary: true }],
    });
    expect(rs.status, JSON.stringify(rs.body)).toBe(201);
    const grant = await as(owner, "POST", `/api/v1/recordsets/${rs.body.slug}/access`, {
      member_id: m1.memberId,
      can_create: true,
      can_edit_own: true,
      can_delete_own: true,
    });
    expect(grant.status, JSON.stringify(grant.body)).toBe(201);
    const rec = await as(m1, "POST", "/api/v1/records", { recordset_id: rs.body.slug, field_values: { name: "Hooli" } });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const i = await as(m1, "POST", `/api/v1/tracking/${rec.body.id}/interactions`, { type: "meeting", summary: "Kick-off" });
    expect(i.status).toBe(200);
    const t = await as(m1, "POST", `/api/v1/tracking/${rec.body.id}/tasks`, { title: "Follow up", due_at: "2020-01-01" });
    expect(t.body.is_overdue).toBe(true);
    const before = await as(m1, "GET", `/api/v1/tracking/${rs.body.id}/dashboard`);
    expect(before.body).toMatchObject({ records: { total: 1 }, interactions: { total: 1, last_7_days: 1 }, tasks: { overdue: 1 } });

    expect((await as(m1, "DELETE", `/api/v1/records/${rec.body.id}`)).status).toBe(204);
    expect((await as(m1, "GET", `/api/v1/tracking/${rec.body.id}/interactions`)).status).toBe(404);
    expect((await as(m1, "PUT", `/api/v1/tracking/tasks/${t.body.id}`, { title: "x" })).status).toBe(404);
    const after = await as(m1, "GET", `/api/v1/tracking/${rs.body.slug}/dashboard`);
    expect(after.body).toMatchObject({ records: { total: 0 }, interactions: { total: 0 }, tasks: { total: 0, overdue: 0 } });
  });
});

describe("another workspace", () => {
  it("sees none of these records, tasks, interactions or insights", async () => {
    const other = await signup();
    const [t] = await db((d) => d.select().from(recordTasks).where(eq(recordTasks.recordId, m1Record)).limit(1));
    const [i] = await db((d) => d.select().from(recordInteractions).where(eq(recordInteractions.recordId, m1Record)).limit(1));
    const [s] = await db((d) => d.select().from(recordInsights).where(eq(recordInsights.recordId, m1Record)).limit(1));
    if (!t || !i || !s) throw new Error("fixtures missing");
    const o = (m: string, p: string, body?: unknown) => call(m, p, { token: other.token, workspace: other.workspaceId, body });
    for (const [m, p, body] of [
      ["GET", `/api/v1/tracking/${m1Record}/interactions`],
      ["GET", `/api/v1/tracking/${m1Record}/tasks`],
      ["GET", `/api/v1/tracking/${m1Record}/insights`],
      ["GET", `/api/v1/tracking/${rsId}/dashboard`],
      ["POST", `/api/v1/tracking/${m1Record}/interactions`, { type: "note" }],
      ["PUT", `/api/v1/tracking/interactions/${i.id}`, { summary: "x" }],
      ["PUT", `/api/v1/tracking/tasks/${t.id}`, { title: "x" }],
      ["POST", `/api/v1/tracking/tasks/${t.id}/complete`],
      ["POST", `/api/v1/tracking/insights/${s.id}/dismiss`],
    ] as const) {
      const r = await o(m, p, body);
      expect(r.status, `${m} ${p}`).toBe(404);
    }
  });
});

/** The Record Tracking group of the spec (endpoints.tsv), as served. */
const ENDPOINTS = [
  "GET /api/v1/tracking/{record_id}/insights",
  "GET /api/v1/tracking/{record_id}/interactions",
  "GET /api/v1/tracking/{record_id}/tasks",
  "GET /api/v1/tracking/{recordset_id}/dashboard",
  "POST /api/v1/tracking/insights/{insight_id}/action-taken",
  "POST /api/v1/tracking/insights/{insight_id}/dismiss",
  "POST /api/v1/tracking/tasks/{task_id}/complete",
  "POST /api/v1/tracking/{record_id}/ai-analysis",
  "POST /api/v1/tracking/{record_id}/draft-message",
  "POST /api/v1/tracking/{record_id}/generate-insights",
  "POST /api/v1/tracking/{record_id}/interactions",
  "POST /api/v1/tracking/{record_id}/tasks",
  "POST /api/v1/tracking/{recordset_id}/follow-ups",
  "PUT /api/v1/tracking/interactions/{interaction_id}",
  "PUT /api/v1/tracking/tasks/{task_id}",
  "DELETE /api/v1/tracking/interactions/{interaction_id}",
  "DELETE /api/v1/tracking/tasks/{task_id}",
];

describe("record tracking: contract", () => {
  it("serves every endpoint of the group, documented with its errors", async () => {
    const paths = (await call("GET", "/openapi.json")).body.paths as Record<
      string,
      Record<string, { responses: object; security?: unknown[] }>
    >;
    for (const e of ENDPOINTS) {
      const [method, path] = e.split(" ") as [string, string];
      const op = paths[path]?.[method.toLowerCase()];
      expect(op, e).toBeTruthy();
      expect(Object.keys(op?.responses ?? {}), e).toEqual(expect.arrayContaining(["200", "401", "403", "404", "422"]));
      expect(op?.security, e).toBeTruthy();
    }
    expect(ENDPOINTS).toHaveLength(17);
  });
});

const id = "0190a0a0-0000-7000-8000-000000000000";
describeSecurity("record tracking", [
  { method: "GET", path: `/api/v1/tracking/${id}/insights`, workspace: true },
  { method: "GET", path: `/api/v1/tracking/${id}/interactions`, workspace: true },
  { method: "GET", path: `/api/v1/tracking/${id}/tasks`, workspace: true },
  { method: "GET", path: `/api/v1/tracking/${id}/dashboard`, workspace: true },
  { method: "POST", path: `/api/v1/tracking/insights/${id}/action-taken`, workspace: true },
  { method: "POST", path: `/api/v1/tracking/insights/${id}/dismiss`, workspace: true },
  { method: "POST", path: `/api/v1/tracking/tasks/${id}/complete`, workspace: true },
  { method: "POST", path: `/api/v1/tracking/${id}/interactions`, body: { type: "call" }, workspace: true },
  { method: "POST", path: `/api/v1/tracking/${id}/tasks`, body: { title: "x" }, workspace: true },
  { method: "PUT", path: `/api/v1/tracking/interactions/${id}`, body: { summary: "x" }, workspace: true },
  { method: "PUT", path: `/api/v1/tracking/tasks/${id}`, body: { title: "x" }, workspace: true },
  { method: "DELETE", path: `/api/v1/tracking/interactions/${id}`, workspace: true },
  { method: "DELETE", path: `/api/v1/tracking/tasks/${id}`, workspace: true },
]);
