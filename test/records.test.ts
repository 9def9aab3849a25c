import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { activities } from "../src/modules/activity/tables";
import { recordAttachments, records, recordVersions } from "../src/modules/records/tables";
import type { FieldDef } from "../src/modules/recordsets/fields";
import { recordsetAccess, recordsets } from "../src/modules/recordsets/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, env, type Joined, join, raw, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let ownerMemberId: string;
let m1: Joined; // grant: view, create, edit_own, delete (the member role limits delete to own records)
let m2: Joined; // no grant at all
let viewer: Joined; // grant: view
let ws: string;
let rs: { id: string; slug: string };

type Who = { token: string };
const as = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });

const FIELDS: FieldDef[] = [
  { key: "name", name: "Name", type: "text", required: true, is_primary: true },
  { key: "stage", name: "Stage", type: "select", options: ["lead", "won", "lost"] },
  { key: "amount", name: "Amount", type: "currency", currency: "USD" },
  { key: "close_date", name: "Close date", type: "date" },
  { key: "location", name: "Location", type: "geo" },
];

let seq = 0;
async function makeRecordset(fields: FieldDef[] = FIELDS, createdBy?: string) {
  const slug = `deals-${Date.now().toString(36)}-${(seq++).toString(36)}`;
  return tenant(ws, async (db) => {
    const [r] = await db
      .insert(recordsets)
      .values({ slug, name: slug, fields, createdByMemberId: createdBy ?? ownerMemberId })
      .returning();
    return { id: r!.id, slug };
  });
}

async function grant(recordsetId: string, memberId: string, flags: Partial<typeof recordsetAccess.$inferInsert>) {
  await tenant(ws, (db) => db.insert(recordsetAccess).values({ recordsetId, memberId, ...flags }));
}

async function makeRecord(who: Who, values: Record<string, unknown>, extra: Record<string, unknown> = {}, recordset = rs) {
  const r = await as(who, "POST", "/api/v1/records", { recordset_id: recordset.id, field_values: values, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; version: number; field_values: Record<string, unknown>; title: string; tags: string[] };
}

const recordCount = (id = rs.id) =>
  tenant(ws, async (db) => (await db.select().from(recordsets).where(eq(recordsets.id, id)))[0]!.recordCount);
const liveCount = (id = rs.id) =>
  tenant(
    ws,
    async (db) => (await db.select().from(records).where(eq(records.recordsetId, id))).filter((r) => r.status !== "deleted").length,
  );

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [m1, m2, viewer] = await Promise.all([join(owner, "member"), join(owner, "member"), join(owner, "viewer")]);
  ownerMemberId = (await call("GET", "/api/v1/members/me", { token: owner.token, workspace: ws })).body.id;
  rs = await makeRecordset();
  await grant(rs.id, m1.memberId, { canView: true, canCreate: true, canEditOwn: true, canDelete: true });
  await grant(rs.id, viewer.memberId, { canView: true });
});

describe("records: create, read, update, delete", () => {
  it("creates a record with typed values, version 1, promoted title and an exact record_count", async () => {
    const before = await recordCount();
    const r = await makeRecord(
      owner,
      { name: "Acme", stage: "lead", amount: 1200, close_date: "2026-03-01" },
      { tags: ["hot", "hot", "q1"] },
    );
    expect(r).toMatchObject({ version: 1, title: "Acme", tags: ["hot", "q1"], field_values: { name: "Acme", amount: 1200 } });
    expect(await recordCount()).toBe(before + 1);
    const got = await as(viewer, "GET", `/api/v1/records/${r.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: r.id, recordset_id: rs.id, status: "active", created_by_member_id: ownerMemberId });
    expect((await as(owner, "GET", `/api/v1/crud/records/${r.id}`)).body.id).toBe(r.id);
    const logged = await tenant(ws, (db) => db.select().from(activities).where(eq(activities.subjectId, r.id)));
    expect(logged.map((a) => a.type)).toContain("record.created");
  });

  it("promotes a geo value into lng/lat and the bounding box", async () => {
    const r = await makeRecord(owner, { name: "Geo", location: { lat: 52.5, lng: 13.4 } });
    const [row] = await tenant(ws, (db) => db.select().from(records).where(eq(records.id, r.id)));
    expect(row).toMatchObject({ lat: 52.5, lng: 13.4, minLng: 13.4, maxLat: 52.5, geometry: { type: "Point", coordinates: [13.4, 52.5] } });
  });

  it("422 names each wrong field and writes nothing", async () => {
    const before = await recordCount();
    const rows = await tenant(ws, (db) => db.$count(records));
    const bad = await as(owner, "POST", "/api/v1/records", {
      recordset_id: rs.id,
      field_values: { name: "X", amount: "lots", stage: "maybe", nope: 1 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("validation_error");
    const locs = bad.body.detail.map((d: { loc: string[] }) => d.loc.join("."));
    expect(locs).toEqual(expect.arrayContaining(["body.field_values.amount", "body.field_values.stage", "body.field_values.nope"]));
    const missing = await as(owner, "POST", "/api/v1/records", { recordset_id: rs.id, field_values: { stage: "won" } });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(["body", "field_values", "name"]);
    expect(await recordCount()).toBe(before);
    expect(await tenant(ws, (db) => db.$count(records))).toBe(rows);
    // The record update path validates the same way and writes no version.
    const r = await makeRecord(owner, { name: "Valid" });
    const up = await as(owner, "PUT", `/api/v1/records/${r.id}`, { field_values: { close_date: "2026-02-30" } });
    expect(up.status).toBe(422);
    expect(up.body.detail[0].loc).toEqual(["body", "field_values", "close_date"]);
    expect(await tenant(ws, (db) => db.$count(recordVersions, eq(recordVersions.recordId, r.id)))).toBe(1);
  });

  it("a bad recordset is a 404; an integration recordset is read-only", async () => {
    expect((await as(owner, "POST", "/api/v1/records", { recordset_id: "no-such-set", field_values: {} })).status).toBe(404);
    const integ = await makeRecordset([{ key: "name", name: "Name", type: "text" }]);
    await tenant(ws, (db) => db.update(recordsets).set({ isIntegration: true }).where(eq(recordsets.id, integ.id)));
    expect((await as(owner, "POST", "/api/v1/records", { recordset_id: integ.slug, field_values: { name: "x" } })).status).toBe(409);
  });

  it("every update is a new version; history has who/when; restore makes a new version", async () => {
    const r = await makeRecord(m1, { name: "Deal", stage: "lead", amount: 100 });
    const u1 = await as(m1, "PUT", `/api/v1/records/${r.id}`, { field_values: { stage: "won", amount: 250 }, tags: ["closed"] });
    expect(u1.status, JSON.stringify(u1.body)).toBe(200);
    expect(u1.body).toMatchObject({ version: 2, tags: ["closed"], field_values: { name: "Deal", stage: "won", amount: 250 } });
    const u2 = await as(m1, "PATCH", `/api/v1/crud/records/${r.id}`, { field_values: { amount: null } });
    expect(u2.body).toMatchObject({ version: 3, field_values: { name: "Deal", stage: "won" } });
    expect(u2.body.field_values).not.toHaveProperty("amount");

    const h = await as(viewer, "GET", `/api/v1/records/${r.id}/history`);
    expect(h.status).toBe(200);
    expect(h.body.total).toBe(3);
    expect(h.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(h.body.items[0]).toMatchObject({ change_type: "update", changed_fields: ["amount"], changed_by_member_id: m1.memberId });
    expect(h.body.items[0].changed_by).toMatchObject({ id: m1.memberId, email: m1.email });
    expect(h.body.items[1].changed_fields.sort()).toEqual(["amount", "stage"]);
    expect(h.body.items[2]).toMatchObject({ change_type: "create", field_values: { name: "Deal", stage: "lead", amount: 100 } });

    const first = h.body.items[2].id;
    const restored = await as(m1, "POST", `/api/v1/records/${r.id}/history/${first}/restore`);
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body).toMatchObject({ version: 4, field_values: { name: "Deal", stage: "lead", amount: 100 } });
    const h2 = await as(m1, "GET", `/api/v1/records/${r.id}/history?limit=1`);
    expect(h2.body.items[0]).toMatchObject({ version: 4, change_type: "restore", restored_from_version: 1 });
    expect((await as(m1, "POST", `/api/v1/records/${r.id}/history/${crypto.randomUUID()}/restore`)).status).toBe(404);
    expect((await as(viewer, "POST", `/api/v1/records/${r.id}/history/${first}/restore`)).status).toBe(403);
  });

  it("PUT /crud replaces the values (required ones must be there)", async () => {
    const r = await makeRecord(owner, { name: "Full", stage: "won", amount: 5 });
    const partial = await as(owner, "PUT", `/api/v1/crud/records/${r.id}`, { field_values: { stage: "lost" } });
    expect(partial.status).toBe(422);
    const full = await as(owner, "PUT", `/api/v1/crud/records/${r.id}`, { field_values: { name: "Full 2" }, status: "archived" });
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ version: 2, status: "archived", title: "Full 2", field_values: { name: "Full 2" } });
  });

  it("edit_own and delete_own rules per role; viewers read only", async () => {
    const ownersRecord = await makeRecord(owner, { name: "Owner's" });
    const mine = await makeRecord(m1, { name: "m1's" });
    expect((await as(m1, "PUT", `/api/v1/records/${ownersRecord.id}`, { tags: ["x"] })).status).toBe(403);
    expect((await as(m1, "PUT", `/api/v1/records/${mine.id}`, { tags: ["x"] })).status).toBe(200);
    expect((await as(viewer, "PUT", `/api/v1/records/${mine.id}`, { tags: ["y"] })).status).toBe(403);
    expect((await as(viewer, "POST", "/api/v1/records", { recordset_id: rs.id, field_values: { name: "v" } })).status).toBe(403);
    expect((await as(m1, "DELETE", `/api/v1/records/${ownersRecord.id}`)).status).toBe(403);
    expect((await as(viewer, "DELETE", `/api/v1/records/${mine.id}`)).status).toBe(403);
    expect((await as(m1, "DELETE", `/api/v1/crud/records/${mine.id}`)).status).toBe(204);
  });

  it("soft delete: status deleted + deleted_at, gone from reads and lists, record_count exact", async () => {
    const r = await makeRecord(owner, { name: "Doomed" });
    const before = await recordCount();
    const del = await as(owner, "DELETE", `/api/v1/records/${r.id}`);
    expect(del.status).toBe(204);
    expect(await recordCount()).toBe(before - 1);
    expect(await recordCount()).toBe(await liveCount());
    const [row] = await tenant(ws, (db) => db.select().from(records).where(eq(records.id, r.id)));
    expect(row?.status).toBe("deleted");
    expect(row?.deletedAt).toBeInstanceOf(Date);
    expect((await as(owner, "GET", `/api/v1/records/${r.id}`)).status).toBe(404);
    expect((await as(owner, "DELETE", `/api/v1/records/${r.id}`)).status).toBe(404);
    expect(await recordCount()).toBe(before - 1);
    const list = await as(owner, "GET", `/api/v1/records?recordset_id=${rs.id}&limit=200`);
    expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(r.id);
    const trash = await as(owner, "GET", `/api/v1/records?recordset_id=${rs.id}&status=deleted&limit=200`);
    expect(trash.body.items.map((x: { id: string }) => x.id)).toContain(r.id);
    const versions = await tenant(ws, (db) => db.select().from(recordVersions).where(eq(recordVersions.recordId, r.id)));
    expect(versions.map((v) => v.changeType).sort()).toEqual(["create", "delete"]);
  });
});

describe("records: access", () => {
  it("a member without a grant sees nothing of the recordset (404)", async () => {
    const r = await makeRecord(owner, { name: "Secret" });
    expect((await as(m2, "GET", `/api/v1/records/${r.id}`)).status).toBe(404);
    expect((await as(m2, "GET", `/api/v1/records/${r.id}/history`)).status).toBe(404);
    expect((await as(m2, "GET", `/api/v1/crud/records/${r.id}/attachments`)).status).toBe(404);
    expect((await as(m2, "PUT", `/api/v1/records/${r.id}`, { tags: ["x"] })).status).toBe(404);
    expect((await as(m2, "GET", `/api/v1/records?recordset_id=${rs.id}`)).status).toBe(404);
    const all = await as(m2, "GET", "/api/v1/records?limit=200");
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(0);
    expect((await as(m2, "POST", "/api/v1/records", { recordset_id: rs.id, field_values: { name: "n" } })).status).toBe(404);
    // With a grant the same member sees it.
    const viewerList = await as(viewer, "GET", "/api/v1/records?limit=200");
    expect(viewerList.body.items.map((x: { id: string }) => x.id)).toContain(r.id);
  });

  it("another workspace's record is a 404", async () => {
    const r = await makeRecord(owner, { name: "Mine" });
    const other = await signup();
    expect((await call("GET", `/api/v1/records/${r.id}`, { token: other.token, workspace: other.workspaceId })).status).toBe(404);
    expect((await call("GET", `/api/v1/records/${r.id}`, { token: other.token, workspace: ws })).status).toBe(404);
  });
});

describe("records: bulk delete", () => {
  it("with only delete_own, deletes own records and reports the rest", async () => {
    const a = await makeRecord(owner, { name: "A" });
    const b = await makeRecord(m1, { name: "B" });
    const c = await makeRecord(m1, { name: "C" });
    const ghost = crypto.randomUUID();
    const before = await recordCount();
    const r = await as(m1, "POST", "/api/v1/records/bulk-delete", { record_ids: [a.id, b.id, c.id, ghost, "junk"] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.deleted_count).toBe(2);
    expect(r.body.deleted_ids.sort()).toEqual([b.id, c.id].sort());
    const failed = Object.fromEntries(r.body.failed.map((f: { record_id: string; reason: string }) => [f.record_id, f.reason]));
    expect(failed).toEqual({ [a.id]: "forbidden", [ghost]: "not_found", junk: "not_found" });
    expect(await recordCount()).toBe(before - 2);
    expect((await as(owner, "GET", `/api/v1/records/${a.id}`)).status).toBe(200);
    // all=true needs can_delete itself.
    expect((await as(m1, "POST", "/api/v1/records/bulk-delete", { recordset_id: rs.id, all: true })).status).toBe(403);
    expect((await as(m1, "POST", "/api/v1/records/bulk-delete", { all: true })).status).toBe(422);
    expect((await as(m1, "POST", "/api/v1/records/bulk-delete", {})).status).toBe(422);
    // A member without a grant: every id is not_found.
    const hidden = await as(m2, "POST", "/api/v1/records/bulk-delete", { record_ids: [a.id] });
    expect(hidden.body).toMatchObject({ deleted_count: 0, failed: [{ record_id: a.id, reason: "not_found" }] });
  });

  it("all=true deletes every record of the recordset and zeroes the count", async () => {
    const set = await makeRecordset([{ key: "name", name: "Name", type: "text" }]);
    for (let i = 0; i < 3; i++) await makeRecord(owner, { name: `r${i}` }, {}, set);
    expect(await recordCount(set.id)).toBe(3);
    const r = await as(owner, "POST", "/api/v1/records/bulk-delete", { recordset_id: set.slug, all: true });
    expect(r.body).toMatchObject({ deleted_count: 3, deleted_ids: null, failed: [] });
    expect(await recordCount(set.id)).toBe(0);
    expect((await as(owner, "GET", `/api/v1/records?recordset_id=${set.id}`)).body.total).toBe(0);
  });
});

describe("records: comments, relationships, dismiss", () => {
  it("comments with member info, threaded on the same record", async () => {
    const r = await makeRecord(owner, { name: "Talked about" });
    const c1 = await as(viewer, "POST", `/api/v1/records/${r.id}/comments`, { content: "Looks good" });
    expect(c1.status).toBe(201);
    expect(c1.body).toMatchObject({ record_id: r.id, content: "Looks good", member_id: viewer.memberId, parent_id: null });
    expect(c1.body.member.email).toBe(viewer.email);
    const c2 = await as(owner, "POST", `/api/v1/records/${r.id}/comments`, { content: "Thanks", parent_id: c1.body.id });
    expect(c2.status).toBe(201);
    const other = await makeRecord(owner, { name: "Other" });
    const wrongParent = await as(owner, "POST", `/api/v1/records/${other.id}/comments`, { content: "x", parent_id: c1.body.id });
    expect(wrongParent.status).toBe(422);
    expect((await as(owner, "POST", `/api/v1/records/${r.id}/comments`, { content: "  " })).status).toBe(422);
    const list = await as(owner, "GET", `/api/v1/records/${r.id}/comments`);
    expect(list.body.map((c: { content: string }) => c.content)).toEqual(["Looks good", "Thanks"]);
    expect((await as(m2, "GET", `/api/v1/records/${r.id}/comments`)).status).toBe(404);
  });

  it("relationships are listed from both ends", async () => {
    const a = await makeRecord(owner, { name: "Company" });
    const b = await makeRecord(owner, { name: "Contact" });
    const rel = await as(owner, "POST", `/api/v1/records/${a.id}/relationships`, {
      target_record_id: b.id,
      relationship_type: "employs",
      data: { since: 2020 },
    });
    expect(rel.status, JSON.stringify(rel.body)).toBe(201);
    expect(rel.body).toMatchObject({ direction: "outgoing", related_record: { id: b.id, title: "Contact" }, data: { since: 2020 } });
    expect(
      (await as(owner, "POST", `/api/v1/records/${a.id}/relationships`, { target_record_id: b.id, relationship_type: "employs" })).status,
    ).toBe(409);
    expect((await as(owner, "POST", `/api/v1/records/${a.id}/relationships`, { target_record_id: a.id })).status).toBe(422);
    expect((await as(owner, "POST", `/api/v1/records/${a.id}/relationships`, { target_record_id: crypto.randomUUID() })).status).toBe(422);
    expect((await as(viewer, "POST", `/api/v1/records/${a.id}/relationships`, { target_record_id: b.id })).status).toBe(403);
    const fromA = await as(viewer, "GET", `/api/v1/records/${a.id}/relationships`);
    expect(fromA.body).toEqual([expect.objectContaining({ direction: "outgoing", relationship_type: "employs", target_record_id: b.id })]);
    const fromB = await as(viewer, "GET", `/api/v1/records/${b.id}/relationships`);
    expect(fromB.body).toEqual([expect.objectContaining({ direction: "incoming", related_record: expect.objectContaining({ id: a.id }) })]);
    // A deleted related record drops out of the list.
    await as(owner, "DELETE", `/api/v1/records/${b.id}`);
    expect((await as(owner, "GET", `/api/v1/records/${a.id}/relationships`)).body).toEqual([]);
  });

  it("dismiss hides a record from one tool's list only", async () => {
    const set = await makeRecordset([{ key: "name", name: "Name", type: "text" }]);
    const a = await makeRecord(owner, { name: "Shown" }, {}, set);
    const b = await makeRecord(owner, { name: "Dismissed" }, {}, set);
    const d = await as(owner, "POST", `/api/v1/records/${b.id}/dismiss?tool=map`);
    expect(d.status).toBe(200);
    expect(d.body.dismissed_from).toEqual(["map"]);
    expect((await as(owner, "POST", `/api/v1/records/${b.id}/dismiss?tool=map`)).body.dismissed_from).toEqual(["map"]);
    const ids = async (q: string) =>
      (await as(owner, "GET", `/api/v1/records?recordset_id=${set.id}${q}`)).body.items.map((x: { id: string }) => x.id).sort();
    expect(await ids("&tool=map")).toEqual([a.id]);
    expect(await ids("&tool=pipeline")).toEqual([a.id, b.id].sort());
    expect(await ids("")).toEqual([a.id, b.id].sort());
    expect((await as(owner, "POST", `/api/v1/records/${b.id}/dismiss`)).status).toBe(422);
  });
});

describe("records: attachments in R2", () => {
  it("uploads, lists with a signed download, deletes", async () => {
    const r = await makeRecord(m1, { name: "With files" });
    const form = new FormData();
    form.append("file", new File(["hello records"], "notes.txt", { type: "text/plain" }));
    const up = await call("POST", `/api/v1/crud/records/${r.id}/attachments`, { token: m1.token, workspace: ws, raw: form });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ record_id: r.id, file_name: "notes.txt", content_type: "text/plain", size: 13 });
    const [row] = await tenant(ws, (db) => db.select().from(recordAttachments).where(eq(recordAttachments.id, up.body.id)));
    expect(row?.storageKey).toBe(`records/${r.id}/${up.body.id}/notes.txt`);
    const list = await as(viewer, "GET", `/api/v1/crud/records/${r.id}/attachments`);
    expect(list.body).toHaveLength(1);
    const url = new URL(list.body[0].url);
    expect(url.searchParams.get("sig")).toBeTruthy();
    const dl = await raw(`${url.pathname}${url.search}`);
    expect(dl.status).toBe(200);
    expect(await dl.text()).toBe("hello records");
    // Tampered signature: refused.
    url.searchParams.set("sig", "x".repeat(43));
    expect((await raw(`${url.pathname}${url.search}`)).status).toBe(403);

    const viewerForm = new FormData();
    viewerForm.append("file", new File(["x"], "x.txt"));
    expect(
      (await call("POST", `/api/v1/crud/records/${r.id}/attachments`, { token: viewer.token, workspace: ws, raw: viewerForm })).status,
    ).toBe(403);
    expect((await as(viewer, "DELETE", `/api/v1/crud/records/${r.id}/attachments/${up.body.id}`)).status).toBe(403);
    expect((await as(m1, "DELETE", `/api/v1/crud/records/${r.id}/attachments/${up.body.id}`)).status).toBe(204);
    expect(await env.FILES.head(row!.storageKey)).toBeNull();
    expect((await as(m1, "DELETE", `/api/v1/crud/records/${r.id}/attachments/${up.body.id}`)).status).toBe(404);
  });

  it("no file is a 422; more than 25 MB is a 413 and stores nothing", async () => {
    const r = await makeRecord(owner, { name: "Big" });
    const empty = new FormData();
    empty.append("other", "x");
    expect((await call("POST", `/api/v1/crud/records/${r.id}/attachments`, { token: owner.token, workspace: ws, raw: empty })).status).toBe(
      422,
    );
    const big = new FormData();
    big.append("file", new File([new Uint8Array(25 * 1024 * 1024 + 10)], "big.bin"));
    const res = await call("POST", `/api/v1/crud/records/${r.id}/attachments`, { token: owner.token, workspace: ws, raw: big });
    expect(res.status).toBe(413);
    expect(await tenant(ws, (db) => db.$count(recordAttachments, eq(recordAttachments.recordId, r.id)))).toBe(0);
  });
});

const R = "00000000-0000-7000-8000-000000000000";
describeSecurity("records", [
  { method: "GET", path: "/api/v1/records", workspace: true },
  { method: "POST", path: "/api/v1/records", workspace: true, body: { recordset_id: "x", field_values: {} } },
  { method: "POST", path: "/api/v1/records/bulk-delete", workspace: true, body: { record_ids: [R] } },
  { method: "GET", path: `/api/v1/records/${R}`, workspace: true },
  { method: "PUT", path: `/api/v1/records/${R}`, workspace: true, body: { tags: [] } },
  { method: "DELETE", path: `/api/v1/records/${R}`, workspace: true },
  { method: "GET", path: `/api/v1/records/${R}/comments`, workspace: true },
  { method: "POST", path: `/api/v1/records/${R}/comments`, workspace: true, body: { content: "x" } },
  { method: "GET", path: `/api/v1/records/${R}/history`, workspace: true },
  { method: "POST", path: `/api/v1/records/${R}/history/${R}/restore`, workspace: true },
  { method: "GET", path: `/api/v1/records/${R}/relationships`, workspace: true },
  { method: "POST", path: `/api/v1/records/${R}/relationships`, workspace: true, body: { target_record_id: R } },
  { method: "POST", path: `/api/v1/records/${R}/dismiss?tool=map`, workspace: true },
  { method: "GET", path: "/api/v1/crud/records", workspace: true },
  { method: "POST", path: "/api/v1/crud/records", workspace: true, body: { recordset_id: "x", field_values: {} } },
  { method: "GET", path: `/api/v1/crud/records/${R}`, workspace: true },
  { method: "PUT", path: `/api/v1/crud/records/${R}`, workspace: true, body: { field_values: {} } },
  { method: "PATCH", path: `/api/v1/crud/records/${R}`, workspace: true, body: { tags: [] } },
  { method: "DELETE", path: `/api/v1/crud/records/${R}`, workspace: true },
  { method: "GET", path: `/api/v1/crud/records/${R}/attachments`, workspace: true },
  { method: "POST", path: `/api/v1/crud/records/${R}/attachments`, workspace: true },
  { method: "DELETE", path: `/api/v1/crud/records/${R}/attachments/${R}`, workspace: true },
]);
