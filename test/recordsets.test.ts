import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { records } from "../src/modules/records/tables";
import { recordsetAccess, recordsets, recordsetViews } from "../src/modules/recordsets/tables";
import type { Db } from "../src/platform/db";
import { purgeRecordsetTrash } from "../src/scheduled";
import { call, databaseUrl, env, type Joined, join, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const withTenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let admin: Joined;
let member: Joined;
let member2: Joined;
let viewer: Joined;
let outsider: SignedUp;
let ws: string;
let teamId: string;

type Who = { token: string };
const as = (who: () => Who) => (method: string, path: string, body?: unknown) =>
  call(method, path, { token: who().token, workspace: ws, body });
const asOwner = as(() => owner);
const asAdmin = as(() => admin);
const asMember = as(() => member);
const asMember2 = as(() => member2);
const asViewer = as(() => viewer);

beforeAll(async () => {
  [owner, outsider] = await Promise.all([signup(), signup()]);
  ws = owner.workspaceId;
  admin = await join(owner, "admin");
  member = await join(owner, "member");
  member2 = await join(owner, "member");
  viewer = await join(owner, "viewer");
  const team = await asOwner("POST", "/api/v1/teams", { name: `Sales ${Date.now()}` });
  expect(team.status, JSON.stringify(team.body)).toBe(201);
  teamId = team.body.id;
  const add = await asOwner("POST", `/api/v1/teams/${teamId}/members`, { member_id: member2.memberId });
  expect(add.status, JSON.stringify(add.body)).toBeLessThan(300);
});

let seq = 0;
const uniqueName = (prefix = "Deals") => `${prefix} ${Date.now().toString(36)}${(seq++).toString(36)}`;

const DEAL_FIELDS = [
  { key: "company", name: "Company", type: "text", is_primary: true },
  { key: "amount", name: "Amount", type: "currency", currency: "usd" },
  { name: "Stage", type: "select", options: ["Lead", "Won", "Lost"] },
  { key: "close_date", name: "Close date", type: "date" },
  { key: "notes", name: "Notes", type: "text" },
];

async function makeRecordset(by = asOwner, body: Record<string, unknown> = {}) {
  const r = await by("POST", "/api/v1/recordsets", { name: uniqueName(), fields: DEAL_FIELDS, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; slug: string; name: string; fields: any[] };
}

/** Records written straight to the tenant database (the records module writes them through the API). */
async function insertRecords(recordsetId: string, values: Record<string, unknown>[], status: "active" | "deleted" = "active") {
  await withTenant(ws, (db) => db.insert(records).values(values.map((fieldValues) => ({ recordsetId, fieldValues, status }))));
}

const rs = (slug: string, rest = "") => `/api/v1/recordsets/${slug}${rest}`;
const countRecordsets = () => withTenant(ws, (db) => db.$count(recordsets));

describe("recordsets: create and read", () => {
  it("creates with a slug from the name, normalised fields, and the creator as admin", async () => {
    const name = uniqueName("Café Deals!");
    const r = await asOwner("POST", "/api/v1/recordsets", { name, type: "deals", icon: "💼", fields: DEAL_FIELDS });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      name,
      slug: `cafe-deals-${name.split(" ").pop()}`,
      type: "deals",
      mode: "table",
      icon: "💼",
      record_count: 0,
      is_active: true,
      deleted_at: null,
    });
    expect(r.body.fields[1]).toEqual({ key: "amount", name: "Amount", type: "currency", currency: "USD" });
    expect(r.body.fields[2]).toEqual({ key: "stage", name: "Stage", type: "select", options: ["Lead", "Won", "Lost"] });
    const perms = await asOwner("GET", rs(r.body.slug, "/permissions"));
    expect(perms.body).toMatchObject({ is_admin: true, can_admin: true, is_owner: true, source: "workspace_role" });
  });

  it("handles duplicate slugs with -2, -3; a given slug that is taken is a 409; reserved slugs are 422", async () => {
    const name = uniqueName("Dup");
    const a = await makeRecordset(asOwner, { name });
    const b = await makeRecordset(asOwner, { name });
    const c = await makeRecordset(asAdmin, { name });
    expect([b.slug, c.slug]).toEqual([`${a.slug}-2`, `${a.slug}-3`]);
    // A trashed recordset keeps its slug: the next one still gets a fresh suffix.
    expect((await asOwner("DELETE", rs(c.slug))).status).toBe(204);
    const d = await makeRecordset(asOwner, { name });
    expect(d.slug).toBe(`${a.slug}-4`);
    const before = await countRecordsets();
    const taken = await asOwner("POST", "/api/v1/recordsets", { name: "Other", slug: a.slug });
    expect(taken.status).toBe(409);
    const reserved = await asOwner("POST", "/api/v1/recordsets", { name: "Other", slug: "trash" });
    expect(reserved.status).toBe(422);
    expect(reserved.body.detail[0].loc).toEqual(["body", "slug"]);
    expect(await countRecordsets()).toBe(before);
  });

  it("rejects bad field definitions with 422 naming each, and writes nothing", async () => {
    const before = await countRecordsets();
    const bad = async (fields: unknown[], loc: (string | number)[]) => {
      const r = await asOwner("POST", "/api/v1/recordsets", { name: uniqueName(), fields });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error" });
      expect(typeof r.body.request_id).toBe("string");
      expect(r.body.detail.map((d: any) => d.loc)).toContainEqual(loc);
    };
    await bad([{ name: "A", type: "blob" }], ["body", "fields", 0, "type"]);
    await bad([{ key: "Bad Key", name: "A", type: "text" }], ["body", "fields", 0, "key"]);
    await bad(
      [
        { key: "a", name: "A", type: "text" },
        { key: "a", name: "B", type: "number" },
      ],
      ["body", "fields", 1, "key"],
    );
    await bad([{ name: "Stage", type: "select" }], ["body", "fields", 0, "options"]);
    await bad([{ name: "Stage", type: "select", options: ["x", "x"] }], ["body", "fields", 0, "options"]);
    await bad([{ name: "N", type: "number", options: ["x"] }], ["body", "fields", 0, "options"]);
    await bad(
      [
        { name: "A", type: "text", is_primary: true },
        { name: "B", type: "text", is_primary: true },
      ],
      ["body", "fields", 1, "is_primary"],
    );
    await bad(
      [{ name: "Link", type: "relation", relation_recordset_id: crypto.randomUUID() }],
      ["body", "fields", 0, "relation_recordset_id"],
    );
    const noName = await asOwner("POST", "/api/v1/recordsets", { fields: [] });
    expect(noName.status).toBe(422);
    expect(await countRecordsets()).toBe(before);
  });

  it("needs can_create_recordset: members and viewers cannot create (403), admins can", async () => {
    expect((await asMember("POST", "/api/v1/recordsets", { name: uniqueName() })).status).toBe(403);
    expect((await asViewer("POST", "/api/v1/recordsets", { name: uniqueName() })).status).toBe(403);
    await makeRecordset(asAdmin);
  });

  it("GET by slug (and by id) counts records exactly; the list serves the stored counter", async () => {
    const set = await makeRecordset();
    await insertRecords(set.id, [{ company: "A" }, { company: "B" }, { company: "C" }]);
    await insertRecords(set.id, [{ company: "gone" }], "deleted");
    const got = await asMember("GET", rs(set.slug));
    expect(got.status).toBe(404); // members see nothing without a grant
    const bySlug = await asOwner("GET", rs(set.slug));
    expect(bySlug.status).toBe(200);
    expect(bySlug.body).toMatchObject({ id: set.id, slug: set.slug, record_count: 3 });
    const crud = await asOwner("GET", `/api/v1/crud/recordsets/${set.id}`);
    expect(crud.body.record_count).toBe(3);
    const list = await asOwner("GET", `/api/v1/recordsets?search=${encodeURIComponent(set.name)}`);
    expect(list.body.items.map((x: any) => [x.id, x.record_count])).toEqual([[set.id, 0]]);
    const crudList = await asOwner("GET", `/api/v1/crud/recordsets?search=${encodeURIComponent(set.name)}`);
    expect(crudList.body.items.map((x: any) => [x.id, x.record_count])).toEqual([[set.id, 3]]);
    expect((await asOwner("GET", rs("no-such-recordset"))).status).toBe(404);
  });

  it("lists with pagination, search and type", async () => {
    const tag = uniqueName("Pager").replace(/\s/g, "");
    for (let i = 0; i < 3; i++) await makeRecordset(asOwner, { name: `${tag} ${i}`, type: i === 0 ? "leads" : "deals" });
    const p1 = await asOwner("GET", `/api/v1/recordsets?search=${tag}&page=1&page_size=2`);
    expect(p1.body).toMatchObject({ total: 3, page: 1, page_size: 2, pages: 2 });
    expect(p1.body.items.map((x: any) => x.name)).toEqual([`${tag} 0`, `${tag} 1`]);
    const p2 = await asOwner("GET", `/api/v1/recordsets?search=${tag}&page=2&page_size=2`);
    expect(p2.body.items.map((x: any) => x.name)).toEqual([`${tag} 2`]);
    const leads = await asOwner("GET", `/api/v1/recordsets?search=${tag}&type=leads`);
    expect(leads.body.items.map((x: any) => x.name)).toEqual([`${tag} 0`]);
    expect((await asOwner("GET", "/api/v1/recordsets?page_size=1000")).status).toBe(422);
    const past = await asOwner("GET", `/api/v1/crud/recordsets?search=${tag}&page=5&page_size=2`);
    expect(past.body).toMatchObject({ items: [], total: 3 });
  });
});

describe("recordsets: grants", () => {
  it("a member without a grant sees nothing; can_view reads but cannot edit; revoking hides it again", async () => {
    const set = await makeRecordset();
    const listed = async (who: typeof asMember) =>
      (await who("GET", `/api/v1/recordsets?search=${encodeURIComponent(set.name)}`)).body.items.map((x: any) => x.id);
    expect((await asMember("GET", rs(set.slug))).status).toBe(404);
    expect((await asMember("GET", rs(set.slug, "/permissions"))).status).toBe(404);
    expect((await asMember("GET", rs(set.slug, "/views"))).status).toBe(404);
    expect((await asMember("GET", `/api/v1/crud/recordsets/${set.id}`)).status).toBe(404);
    expect((await asMember("PUT", rs(set.slug), { name: "x" })).status).toBe(404);
    expect(await listed(asMember)).toEqual([]);

    const g = await asOwner("POST", rs(set.slug, "/access"), { member_id: member.memberId, can_view: true });
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    expect(g.body).toMatchObject({
      grantee_type: "member",
      member_id: member.memberId,
      can_view: true,
      can_edit: false,
      is_admin: false,
      name: "A member",
    });
    expect((await asMember("GET", rs(set.slug))).status).toBe(200);
    expect(await listed(asMember)).toEqual([set.id]);
    expect(await listed(asMember2)).toEqual([]);
    const perms = await asMember("GET", rs(set.slug, "/permissions"));
    expect(perms.body).toMatchObject({
      can_view: true,
      can_create: false,
      can_edit: false,
      is_admin: false,
      source: "grant",
      is_owner: false,
    });
    expect((await asMember("PUT", rs(set.slug), { name: "Renamed" })).status).toBe(403);
    expect((await asMember("DELETE", rs(set.slug))).status).toBe(403);
    expect((await asMember("GET", rs(set.slug, "/access"))).status).toBe(403);
    expect((await asMember("POST", rs(set.slug, "/access"), { member_id: member2.memberId })).status).toBe(403);
    expect((await asMember("POST", rs(set.slug, "/resync-promoted"))).status).toBe(403);

    // Edit grants are limited by the member role (can_edit_own_record, no can_edit_record).
    const edit = await asOwner("POST", rs(set.slug, "/access"), { member_id: member.memberId, can_edit: true, can_create: true });
    expect(edit.body).toMatchObject({ can_edit: true, can_edit_own: true, can_create: true });
    const p2 = await asMember("GET", rs(set.slug, "/permissions"));
    expect(p2.body).toMatchObject({ can_view: true, can_create: true, can_edit: false, can_edit_own: true, can_delete: false });
    const grants = await asOwner("GET", rs(set.slug, "/access"));
    expect(grants.body).toHaveLength(1); // re-granting replaced the grant

    expect((await asOwner("DELETE", rs(set.slug, `/access/members/${member.memberId}`))).status).toBe(204);
    expect((await asOwner("DELETE", rs(set.slug, `/access/members/${member.memberId}`))).status).toBe(404);
    expect((await asMember("GET", rs(set.slug))).status).toBe(404);
    expect(await listed(asMember)).toEqual([]);
  });

  it("team grants reach the team's members (only them); an is_admin grant lets a member manage", async () => {
    const set = await makeRecordset();
    const g = await asOwner("POST", rs(set.slug, "/access"), { team_id: teamId, is_admin: true });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ grantee_type: "team", team_id: teamId, is_admin: true, can_edit: true, can_delete_own: true });
    expect((await asMember("GET", rs(set.slug))).status).toBe(404);
    const perms = await asMember2("GET", rs(set.slug, "/permissions"));
    expect(perms.body).toMatchObject({ can_view: true, is_admin: true, can_edit: false, can_edit_own: true, can_delete_own: true });
    const upd = await asMember2("PUT", rs(set.slug), { description: "by the team" });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect(upd.body.description).toBe("by the team");
    // Admin rights on a recordset do not reach workspace-admin things (trash, permanent delete, sync).
    expect((await asMember2("GET", "/api/v1/recordsets/trash")).status).toBe(403);
    expect((await asMember2("DELETE", `/api/v1/crud/recordsets/${set.id}`)).status).toBe(403);
    expect((await asMember2("POST", "/api/v1/crud/recordsets/sync-counts")).status).toBe(403);

    expect((await asOwner("DELETE", rs(set.slug, `/access/teams/${teamId}`))).status).toBe(204);
    expect((await asMember2("GET", rs(set.slug))).status).toBe(404);
    expect((await asOwner("DELETE", rs(set.slug, `/access/teams/${teamId}`))).status).toBe(404);
    expect((await asOwner("DELETE", rs(set.slug, "/access/teams/not-a-uuid"))).status).toBe(404);
  });

  it("viewers with a grant read but never administer; grant input is checked", async () => {
    const set = await makeRecordset();
    const vMember = (await asViewer("GET", "/api/v1/members/me")).body.id;
    await asOwner("POST", rs(set.slug, "/access"), { member_id: vMember, is_admin: true });
    const perms = await asViewer("GET", rs(set.slug, "/permissions"));
    expect(perms.body).toMatchObject({ can_view: true, is_admin: false, can_edit: false, can_create: false, can_edit_own: false });
    expect((await asViewer("PUT", rs(set.slug), { name: "x" })).status).toBe(403);

    const both = await asOwner("POST", rs(set.slug, "/access"), { member_id: member.memberId, team_id: teamId });
    expect(both.status).toBe(422);
    const neither = await asOwner("POST", rs(set.slug, "/access"), { can_view: true });
    expect(neither.status).toBe(422);
    const ghost = await asOwner("POST", rs(set.slug, "/access"), { member_id: crypto.randomUUID() });
    expect(ghost.status).toBe(422);
    expect(ghost.body.detail[0].loc).toEqual(["body", "member_id"]);
    const ghostTeam = await asOwner("POST", rs(set.slug, "/access"), { team_id: crypto.randomUUID() });
    expect(ghostTeam.status).toBe(422);
    const n = await withTenant(ws, (db) => db.$count(recordsetAccess, eq(recordsetAccess.recordsetId, set.id)));
    expect(n).toBe(1);
  });
});

describe("recordsets: update and fields", () => {
  it("renames without changing the slug; PATCH and PUT on the CRUD paths", async () => {
    const set = await makeRecordset();
    const r = await asOwner("PUT", rs(set.slug), { name: "Brand new name", color: "#ff0000", description: "d" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: "Brand new name", slug: set.slug, color: "#ff0000", description: "d" });
    const p = await asOwner("PATCH", `/api/v1/crud/recordsets/${set.id}`, { icon: "x" });
    expect(p.body).toMatchObject({ name: "Brand new name", icon: "x", color: "#ff0000", description: "d" });
    // Full update: omitted optional attributes go back to their defaults.
    const full = await asOwner("PUT", `/api/v1/crud/recordsets/${set.id}`, { name: "Full", fields: DEAL_FIELDS });
    expect(full.status, JSON.stringify(full.body)).toBe(200);
    expect(full.body).toMatchObject({ name: "Full", slug: set.slug, icon: null, color: null, description: null, type: "custom" });
    const missing = await asOwner("PUT", `/api/v1/crud/recordsets/${set.id}`, { name: "No fields" });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(["body", "fields"]);
    const map = await asOwner("PATCH", `/api/v1/crud/recordsets/${set.id}`, { mode: "map" });
    expect(map.status).toBe(422);
    expect(map.body.detail[0].loc).toEqual(["body", "mode"]);
  });

  it("field changes keep stored data valid: 422 naming the field (nothing written), conversions, removals", async () => {
    const set = await makeRecordset();
    await insertRecords(set.id, [
      { company: "A", amount: 10, stage: "Won", notes: "n1" },
      { company: "B", amount: 20, stage: "Lead" },
    ]);
    const fields = (over: Record<string, unknown>) => DEAL_FIELDS.map((f) => (f.name in over ? over[f.name] : f)).filter(Boolean);

    // Stage → number: stored strings do not fit.
    const toNumber = await asOwner("PUT", rs(set.slug), { fields: fields({ Stage: { key: "stage", name: "Stage", type: "number" } }) });
    expect(toNumber.status).toBe(422);
    expect(toNumber.body.detail[0]).toMatchObject({ loc: ["body", "fields", 2] });
    expect(toNumber.body.detail[0].msg).toContain("'stage'");
    // Dropping an option in use.
    const dropWon = await asOwner("PUT", rs(set.slug), {
      fields: fields({ Stage: { key: "stage", name: "Stage", type: "select", options: ["Lead", "Lost"] } }),
    });
    expect(dropWon.status).toBe(422);
    expect(dropWon.body.detail[0].msg).toContain("1 record(s)");
    // Required where a record has no value.
    const req = await asOwner("PUT", rs(set.slug), {
      fields: fields({ Notes: { key: "notes", name: "Notes", type: "text", required: true } }),
    });
    expect(req.status).toBe(422);
    expect(req.body.detail[0].msg).toContain("required");
    const unchanged = await asOwner("GET", rs(set.slug));
    expect(unchanged.body.fields).toEqual(set.fields);

    // amount → text converts; stage → multi_select wraps; close_date removed.
    const ok = await asOwner("PUT", rs(set.slug), {
      fields: [
        { key: "company", name: "Company", type: "text", is_primary: true },
        { key: "amount", name: "Amount", type: "text" },
        { key: "stage", name: "Stage", type: "multi_select", options: ["Lead", "Won", "Lost"] },
      ],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const stored = await withTenant(ws, (db) => db.select().from(records).where(eq(records.recordsetId, set.id)));
    expect(stored.map((r) => r.fieldValues).sort((a, b) => String(a.company).localeCompare(String(b.company)))).toEqual([
      { company: "A", amount: "10", stage: ["Won"] },
      { company: "B", amount: "20", stage: ["Lead"] },
    ]);
  });
});

describe("recordsets: views", () => {
  it("creates, lists, updates and deletes views; filters and columns are checked against the fields", async () => {
    const set = await makeRecordset();
    const v = await asOwner("POST", rs(set.slug, "/views"), {
      name: "Big wins",
      filters: { column_filters: [{ field: "stage", op: "eq", value: "Won" }], numeric_filters: { amount: { gte: 1000 } } },
      sort: [{ field: "amount", direction: "desc" }],
      columns: ["company", "amount", "created_at"],
      is_default: true,
    });
    expect(v.status, JSON.stringify(v.body)).toBe(201);
    expect(v.body).toMatchObject({ name: "Big wins", is_default: true, columns: ["company", "amount", "created_at"] });

    const before = await withTenant(ws, (db) => db.$count(recordsetViews, eq(recordsetViews.recordsetId, set.id)));
    const badField = await asOwner("POST", rs(set.slug, "/views"), {
      name: "x",
      filters: { column_filters: [{ field: "nope", op: "eq", value: 1 }] },
    });
    expect(badField.status).toBe(422);
    expect(badField.body.detail[0].loc.slice(0, 3)).toEqual(["body", "filters", "column_filters"]);
    const badOp = await asOwner("POST", rs(set.slug, "/views"), {
      name: "x",
      filters: { numeric_filters: [{ field: "amount", op: "like", value: 1 }] },
    });
    expect(badOp.status).toBe(422);
    const badSort = await asOwner("POST", rs(set.slug, "/views"), { name: "x", sort: [{ field: "nope" }] });
    expect(badSort.status).toBe(422);
    expect(badSort.body.detail[0].loc).toEqual(["body", "sort"]);
    const badCol = await asOwner("POST", rs(set.slug, "/views"), { name: "x", columns: ["company", "ghost"] });
    expect(badCol.status).toBe(422);
    expect(badCol.body.detail[0].loc).toEqual(["body", "columns", 1]);
    const badKey = await asOwner("POST", rs(set.slug, "/views"), { name: "x", filters: { where: "1=1" } });
    expect(badKey.status).toBe(422);
    expect(await withTenant(ws, (db) => db.$count(recordsetViews, eq(recordsetViews.recordsetId, set.id)))).toBe(before);

    // A member with view access saves their own view (shared), cannot change the owner's.
    await asOwner("POST", rs(set.slug, "/access"), { member_id: member.memberId });
    const mine = await asMember("POST", rs(set.slug, "/views"), { name: "Mine" });
    expect(mine.status).toBe(201);
    const list = await asMember("GET", rs(set.slug, "/views"));
    expect(list.body.map((x: any) => [x.name, x.is_default])).toEqual([
      ["Big wins", true],
      ["Mine", false],
    ]);
    expect((await asMember("PUT", rs(set.slug, `/views/${v.body.id}`), { name: "hijack" })).status).toBe(403);
    expect((await asMember("DELETE", rs(set.slug, `/views/${v.body.id}`))).status).toBe(403);
    const renamed = await asMember("PUT", rs(set.slug, `/views/${mine.body.id}`), { name: "Mine 2", columns: ["title"] });
    expect(renamed.body).toMatchObject({ name: "Mine 2", columns: ["title"], is_default: false });
    expect((await asOwner("PUT", rs(set.slug, `/views/${mine.body.id}`), { is_default: true })).body.is_default).toBe(true);
    const upd = await asOwner("PUT", rs(set.slug, `/views/${v.body.id}`), { is_default: true });
    expect(upd.body.is_default).toBe(true);
    expect((await asOwner("PUT", rs(set.slug, `/views/${v.body.id}`), { columns: ["ghost"] })).status).toBe(422);
    expect((await asOwner("DELETE", rs(set.slug, `/views/${mine.body.id}`))).status).toBe(204);
    expect((await asOwner("DELETE", rs(set.slug, `/views/${mine.body.id}`))).status).toBe(404);
    expect((await asOwner("PUT", rs(set.slug, `/views/${crypto.randomUUID()}`), { name: "x" })).status).toBe(404);
    // A view of another recordset is not reachable through this one.
    const other = await makeRecordset();
    expect((await asOwner("DELETE", rs(other.slug, `/views/${v.body.id}`))).status).toBe(404);
  });
});

describe("recordsets: pipeline", () => {
  it("stages are the select field's options with counts; one pipeline; removing the field removes it", async () => {
    const set = await makeRecordset();
    expect((await asOwner("GET", rs(set.id, "/pipeline"))).status).toBe(404);
    const bad = await asOwner("POST", rs(set.id, "/pipeline"), { stage_field: "amount" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "stage_field"]);
    const badStage = await asOwner("POST", rs(set.id, "/pipeline"), { stage_field: "stage", stages: [{ key: "Nope" }] });
    expect(badStage.status).toBe(422);
    await insertRecords(set.id, [{ stage: "Won" }, { stage: "Won" }, { stage: "Lead" }, { company: "no stage" }]);
    const p = await asOwner("POST", rs(set.id, "/pipeline"), {
      name: "Sales",
      stage_field: "stage",
      stages: [{ key: "Won", color: "green", probability: 100 }],
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body).toMatchObject({
      name: "Sales",
      stage_field: "stage",
      unstaged_count: 1,
      stages: [
        { key: "Lead", name: "Lead", record_count: 1 },
        { key: "Won", name: "Won", color: "green", probability: 100, record_count: 2 },
        { key: "Lost", name: "Lost", record_count: 0 },
      ],
    });
    expect((await asOwner("POST", rs(set.id, "/pipeline"), { stage_field: "stage" })).status).toBe(409);
    // By slug works too; members without a grant get 404, with a view grant can read but not create.
    expect((await asOwner("GET", rs(set.slug, "/pipeline"))).body.id).toBe(p.body.id);
    expect((await asMember("GET", rs(set.id, "/pipeline"))).status).toBe(404);
    await asOwner("POST", rs(set.slug, "/access"), { member_id: member.memberId });
    expect((await asMember("GET", rs(set.id, "/pipeline"))).status).toBe(200);
    expect((await asMember("POST", rs(set.id, "/pipeline"), { stage_field: "stage" })).status).toBe(403);

    const upd = await asOwner("PUT", rs(set.slug), { fields: DEAL_FIELDS.filter((f) => f.name !== "Stage") });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect((await asOwner("GET", rs(set.id, "/pipeline"))).status).toBe(404);
  });
});

describe("recordsets: counts and promoted columns", () => {
  it("sync-counts fixes every drifted counter with one bulk update", async () => {
    const a = await makeRecordset();
    const b = await makeRecordset();
    await insertRecords(a.id, [{ company: "x" }, { company: "y" }]);
    await insertRecords(b.id, [{ company: "z" }], "deleted");
    await withTenant(ws, (db) => db.update(recordsets).set({ recordCount: 99 }).where(eq(recordsets.id, b.id)));
    expect((await asMember("POST", "/api/v1/crud/recordsets/sync-counts")).status).toBe(403);
    const r = await asAdmin("POST", "/api/v1/crud/recordsets/sync-counts");
    expect(r.status).toBe(200);
    expect(r.body.updated).toBeGreaterThanOrEqual(2);
    expect(r.body.recordsets).toBeGreaterThanOrEqual(2);
    const stored = await withTenant(ws, (db) =>
      db.select({ id: recordsets.id, n: recordsets.recordCount }).from(recordsets).where(sql`${recordsets.id} in (${a.id}, ${b.id})`),
    );
    expect(Object.fromEntries(stored.map((s) => [s.id, s.n]))).toEqual({ [a.id]: 2, [b.id]: 0 });
    const again = await asOwner("POST", "/api/v1/crud/recordsets/sync-counts");
    expect(again.body.updated).toBe(0);
  });

  it("resync-promoted recomputes title and search_text of every record", async () => {
    const set = await makeRecordset();
    await insertRecords(
      set.id,
      Array.from({ length: 1205 }, (_, i) => ({ company: `Co ${i}`, notes: i % 2 ? "Odd" : "Even", stage: "Won" })),
    );
    const r = await asOwner("POST", rs(set.slug, "/resync-promoted"));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ recordset_id: set.id, updated: 1205 });
    const sample = await withTenant(ws, (db) =>
      db
        .select({ title: records.title, s: records.searchText })
        .from(records)
        .where(sql`${records.recordsetId} = ${set.id} and ${records.fieldValues} ->> 'company' = 'Co 7'`),
    );
    expect(sample).toEqual([{ title: "Co 7", s: "co 7 won odd" }]);
    expect((await asOwner("POST", rs(set.slug, "/resync-promoted"))).body.updated).toBe(0);
  });
});

describe("recordsets: trash", () => {
  it("soft delete hides it; the trash (admins) lists it; restore brings it back; permanent delete removes records", async () => {
    const set = await makeRecordset();
    await insertRecords(set.id, [{ company: "kept" }]);
    await asOwner("POST", rs(set.slug, "/access"), { member_id: member.memberId });
    expect((await asMember("DELETE", rs(set.slug))).status).toBe(403);
    expect((await asOwner("DELETE", rs(set.slug))).status).toBe(204);
    expect((await asOwner("GET", rs(set.slug))).status).toBe(404);
    expect((await asOwner("DELETE", rs(set.slug))).status).toBe(404);
    expect((await asOwner("GET", `/api/v1/recordsets?search=${encodeURIComponent(set.name)}`)).body.items).toEqual([]);

    const trash = await asAdmin("GET", `/api/v1/recordsets/trash?search=${encodeURIComponent(set.name)}`);
    expect(trash.status).toBe(200);
    expect(trash.body.total).toBe(1);
    expect(trash.body.items[0]).toMatchObject({ id: set.id, is_active: false, days_until_purge: 30 });
    expect(Date.parse(trash.body.items[0].purge_at) - Date.parse(trash.body.items[0].deleted_at)).toBe(30 * 86_400_000);
    const inactive = await asOwner("GET", `/api/v1/recordsets?is_active=false&search=${encodeURIComponent(set.name)}`);
    expect(inactive.body.items.map((x: any) => x.id)).toEqual([set.id]);
    expect((await asMember("GET", `/api/v1/recordsets?is_active=false&search=${encodeURIComponent(set.name)}`)).body.items).toEqual([]);
    expect((await asMember("GET", "/api/v1/recordsets/trash")).status).toBe(403);
    expect((await asMember("POST", `/api/v1/recordsets/trash/${set.slug}/restore`)).status).toBe(403);

    const restored = await asAdmin("POST", `/api/v1/recordsets/trash/${set.slug}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id: set.id, is_active: true, deleted_at: null });
    expect((await asMember("GET", rs(set.slug))).body.record_count).toBe(1); // grants survive the trash
    expect((await asAdmin("POST", `/api/v1/recordsets/trash/${set.slug}/restore`)).status).toBe(404);

    // Permanent delete only from the trash, admins only.
    expect((await asOwner("DELETE", `/api/v1/recordsets/trash/${set.slug}`)).status).toBe(404);
    await asOwner("DELETE", rs(set.slug));
    expect((await asMember("DELETE", `/api/v1/recordsets/trash/${set.slug}`)).status).toBe(403);
    expect((await asOwner("DELETE", `/api/v1/recordsets/trash/${set.slug}`)).status).toBe(204);
    const left = await withTenant(ws, async (db) => [
      await db.$count(recordsets, eq(recordsets.id, set.id)),
      await db.$count(records, eq(records.recordsetId, set.id)),
    ]);
    expect(left).toEqual([0, 0]);
  });

  it("the cron purges recordsets trashed more than 30 days ago (and only those)", async () => {
    const old = await makeRecordset();
    const recent = await makeRecordset();
    await insertRecords(old.id, [{ company: "old" }]);
    await asOwner("DELETE", rs(old.slug));
    await asOwner("DELETE", rs(recent.slug));
    await withTenant(ws, async (db) => {
      await db
        .update(recordsets)
        .set({ deletedAt: new Date(Date.now() - 31 * 86_400_000) })
        .where(eq(recordsets.id, old.id));
      await db
        .update(recordsets)
        .set({ deletedAt: new Date(Date.now() - 29 * 86_400_000) })
        .where(eq(recordsets.id, recent.id));
    });
    // Other test files run the cron too (scheduled digests), so a concurrent run may purge `old`
    // first: the count returned here is not asserted, the state afterwards is.
    await purgeRecordsetTrash(env);
    const left = await withTenant(ws, async (db) => ({
      old: await db.$count(recordsets, eq(recordsets.id, old.id)),
      oldRecords: await db.$count(records, eq(records.recordsetId, old.id)),
      recent: await db.$count(recordsets, eq(recordsets.id, recent.id)),
    }));
    expect(left).toEqual({ old: 0, oldRecords: 0, recent: 1 });
  });

  it("CRUD delete is permanent and cascades to records (workspace admins)", async () => {
    const set = await makeRecordset(asAdmin);
    await insertRecords(set.id, [{ company: "a" }, { company: "b" }]);
    expect((await asMember("DELETE", `/api/v1/crud/recordsets/${set.id}`)).status).toBe(404);
    expect((await asAdmin("DELETE", `/api/v1/crud/recordsets/${set.id}`)).status).toBe(204);
    expect((await asAdmin("GET", `/api/v1/crud/recordsets/${set.id}`)).status).toBe(404);
    expect(await withTenant(ws, (db) => db.$count(records, eq(records.recordsetId, set.id)))).toBe(0);
  });

  it("another workspace's recordset is a 404", async () => {
    const set = await makeRecordset();
    const theirs = (method: string, path: string, body?: unknown) =>
      call(method, path, { token: outsider.token, workspace: outsider.workspaceId, body });
    expect((await theirs("GET", rs(set.slug))).status).toBe(404);
    expect((await theirs("GET", `/api/v1/crud/recordsets/${set.id}`)).status).toBe(404);
    expect((await theirs("PUT", rs(set.slug), { name: "x" })).status).toBe(404);
    expect((await theirs("DELETE", `/api/v1/crud/recordsets/${set.id}`)).status).toBe(404);
    expect((await theirs("GET", rs(set.id, "/pipeline"))).status).toBe(404);
  });
});

describe("recordsets: role overrides", () => {
  it("the role's permissions limit grants, the same way for lookups and lists; can_manage_recordset sees everything", async () => {
    // A workspace of its own: role overrides are workspace-wide.
    const boss = await signup({ plan: "manager" });
    const m = await join(boss, "member");
    const api = (token: string) => (method: string, path: string, body?: unknown) =>
      call(method, path, { token, workspace: boss.workspaceId, body });
    const asBoss = api(boss.token);
    const asM = api(m.token);
    const a = await asBoss("POST", "/api/v1/recordsets", { name: "Granted" });
    const b = await asBoss("POST", "/api/v1/recordsets", { name: "Not granted" });
    await asBoss("POST", rs(a.body.slug, "/access"), { member_id: m.memberId, can_edit: true });
    const ids = async () => (await asM("GET", "/api/v1/recordsets")).body.items.map((x: any) => x.id);
    expect(await ids()).toEqual([a.body.id]);

    expect((await asBoss("PUT", "/api/v1/permissions/roles/member", { permissions: { can_view_record: false } })).status).toBe(200);
    expect(await ids()).toEqual([]);
    expect((await asM("GET", rs(a.body.slug))).status).toBe(404);

    await asBoss("PUT", "/api/v1/permissions/roles/member", { permissions: { can_view_record: true, can_edit_record: true } });
    expect((await asM("GET", rs(a.body.slug, "/permissions"))).body).toMatchObject({ can_edit: true, is_admin: false });

    await asBoss("PUT", "/api/v1/permissions/roles/member", { permissions: { can_manage_recordset: true, can_create_recordset: true } });
    expect((await ids()).sort()).toEqual([a.body.id, b.body.id].sort());
    expect((await asM("GET", rs(b.body.slug, "/permissions"))).body).toMatchObject({ is_admin: true, source: "workspace_role" });
    const own = await asM("POST", "/api/v1/recordsets", { name: "Mine" });
    expect(own.status).toBe(201);

    // Back to defaults: the member still administers what they created, and sees only that and the grant.
    await asBoss("POST", `/api/v1/permissions/roles/member/reset`);
    expect((await ids()).sort()).toEqual([a.body.id, own.body.id].sort());
    expect((await asM("GET", rs(own.body.slug, "/permissions"))).body).toMatchObject({ is_admin: true, is_owner: true, source: "creator" });
  });
});

/** The spec's endpoints of these groups (endpoints.tsv), except enable-map (the geo module serves it). */
const ENDPOINTS = [
  "GET /api/v1/recordsets",
  "GET /api/v1/recordsets/trash",
  "GET /api/v1/recordsets/{recordset_id}/pipeline",
  "GET /api/v1/recordsets/{recordset_slug}",
  "GET /api/v1/recordsets/{recordset_slug}/access",
  "GET /api/v1/recordsets/{recordset_slug}/permissions",
  "GET /api/v1/recordsets/{recordset_slug}/views",
  "POST /api/v1/recordsets",
  "POST /api/v1/recordsets/trash/{recordset_slug}/restore",
  "POST /api/v1/recordsets/{recordset_id}/pipeline",
  "POST /api/v1/recordsets/{recordset_slug}/access",
  "POST /api/v1/recordsets/{recordset_slug}/resync-promoted",
  "POST /api/v1/recordsets/{recordset_slug}/views",
  "PUT /api/v1/recordsets/{recordset_slug}",
  "PUT /api/v1/recordsets/{recordset_slug}/views/{view_id}",
  "DELETE /api/v1/recordsets/trash/{recordset_slug}",
  "DELETE /api/v1/recordsets/{recordset_slug}",
  "DELETE /api/v1/recordsets/{recordset_slug}/access/members/{member_id}",
  "DELETE /api/v1/recordsets/{recordset_slug}/access/teams/{team_id}",
  "DELETE /api/v1/recordsets/{recordset_slug}/views/{view_id}",
  "GET /api/v1/crud/recordsets",
  "GET /api/v1/crud/recordsets/{recordset_id}",
  "POST /api/v1/crud/recordsets",
  "POST /api/v1/crud/recordsets/sync-counts",
  "PUT /api/v1/crud/recordsets/{recordset_id}",
  "PATCH /api/v1/crud/recordsets/{recordset_id}",
  "DELETE /api/v1/crud/recordsets/{recordset_id}",
];

describe("recordsets: contract", () => {
  it("serves every endpoint of the Recordsets and CRUD - Recordsets groups, documented with its errors", async () => {
    const r = await call("GET", "/openapi.json");
    const paths = r.body.paths as Record<string, Record<string, { responses: object; security?: unknown[] }>>;
    for (const e of ENDPOINTS) {
      const [method, path] = e.split(" ") as [string, string];
      const op = paths[path]?.[method.toLowerCase()];
      expect(op, e).toBeTruthy();
      expect(Object.keys(op?.responses ?? {}), e).toEqual(expect.arrayContaining(["401", "404", "422"]));
      expect(op?.security, e).toBeTruthy();
    }
  });
});

const S = "/api/v1/recordsets/some-slug";
const I = `/api/v1/crud/recordsets/${"0190a0b0-c0d0-7e0f-8a1b-2c3d4e5f6a7b"}`;
describeSecurity("recordsets", [
  { method: "GET", path: "/api/v1/recordsets", workspace: true },
  { method: "GET", path: "/api/v1/recordsets/trash", workspace: true },
  { method: "GET", path: `${S}/pipeline`, workspace: true },
  { method: "GET", path: S, workspace: true },
  { method: "GET", path: `${S}/access`, workspace: true },
  { method: "GET", path: `${S}/permissions`, workspace: true },
  { method: "GET", path: `${S}/views`, workspace: true },
  { method: "POST", path: "/api/v1/recordsets", workspace: true, body: { name: "x" } },
  { method: "POST", path: "/api/v1/recordsets/trash/some-slug/restore", workspace: true },
  { method: "POST", path: `${S}/pipeline`, workspace: true, body: { stage_field: "stage" } },
  { method: "POST", path: `${S}/access`, workspace: true, body: { team_id: "0190a0b0-c0d0-7e0f-8a1b-2c3d4e5f6a7b" } },
  { method: "POST", path: `${S}/resync-promoted`, workspace: true },
  { method: "POST", path: `${S}/views`, workspace: true, body: { name: "v" } },
  { method: "PUT", path: S, workspace: true, body: { name: "x" } },
  { method: "PUT", path: `${S}/views/0190a0b0-c0d0-7e0f-8a1b-2c3d4e5f6a7b`, workspace: true, body: { name: "v" } },
  { method: "DELETE", path: "/api/v1/recordsets/trash/some-slug", workspace: true },
  { method: "DELETE", path: S, workspace: true },
  { method: "DELETE", path: `${S}/access/members/0190a0b0-c0d0-7e0f-8a1b-2c3d4e5f6a7b`, workspace: true },
  { method: "DELETE", path: `${S}/access/teams/0190a0b0-c0d0-7e0f-8a1b-2c3d4e5f6a7b`, workspace: true },
  { method: "DELETE", path: `${S}/views/0190a0b0-c0d0-7e0f-8a1b-2c3d4e5f6a7b`, workspace: true },
  { method: "GET", path: "/api/v1/crud/recordsets", workspace: true },
  { method: "GET", path: I, workspace: true },
  { method: "POST", path: "/api/v1/crud/recordsets", workspace: true, body: { name: "x" } },
  { method: "POST", path: "/api/v1/crud/recordsets/sync-counts", workspace: true },
  { method: "PUT", path: I, workspace: true, body: { name: "x", fields: [] } },
  { method: "PATCH", path: I, workspace: true, body: { name: "x" } },
  { method: "DELETE", path: I, workspace: true },
]);
