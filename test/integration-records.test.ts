import { beforeAll, describe, expect, it } from "vitest";
import { stagedRows } from "../src/modules/integration-records/tables";
import { recordsetAccess, recordsets } from "../src/modules/recordsets/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, type Joined, join, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let ws: string;
let member: Joined;
let granted: Joined;
let source: string;
let slug: string;
let rsId: string;
let plainSlug: string;
let rowIds: string[];

let seq = 0;
const unique = (p: string) => `${p}_${Date.now().toString(36)}${(seq++).toString(36)}`;
const as = (who: { token: string }, path: string) => call("GET", path, { token: who.token, workspace: ws });

async function makeRecordset(values: Partial<typeof recordsets.$inferInsert>) {
  return tenant(ws, async (db) => {
    const s = unique("rs").replace(/_/g, "-");
    const [r] = await db
      .insert(recordsets)
      .values({ slug: s, name: s, ...values })
      .returning();
    if (!r) throw new Error("no recordset");
    return r;
  });
}

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [member, granted] = await Promise.all([join(owner, "member"), join(owner, "viewer")]);
  source = unique("shop_products");
  const rs = await makeRecordset({
    isIntegration: true,
    stagingTable: source,
    fields: [
      { key: "name", name: "Name", type: "text", is_primary: true },
      { key: "price", name: "Price", type: "number" },
    ],
  });
  slug = rs.slug;
  rsId = rs.id;
  plainSlug = (await makeRecordset({})).slug;
  await tenant(ws, async (db) => {
    const base = Date.UTC(2026, 0, 1);
    const rows = await db
      .insert(stagedRows)
      .values([
        { source, externalId: "p-1", data: { name: "Blue Mug", price: 12 }, syncedAt: new Date(base + 1000) },
        { source, externalId: "p-2", data: { name: "Red Teapot", price: 9.5 }, syncedAt: new Date(base + 2000) },
        { source, externalId: "p-3", data: { name: "Green Bowl", price: 100 }, syncedAt: new Date(base + 3000) },
        // Another integration's row never shows up in this recordset.
        { source: unique("other"), externalId: "p-1", data: { name: "Blue Elsewhere", price: 1 } },
      ])
      .returning();
    rowIds = rows.map((r) => r.id);
    await db.insert(recordsetAccess).values({ recordsetId: rs.id, memberId: granted.memberId, canView: true });
  });
});

describe("integration records", () => {
  it("lists the staging rows of the recordset, newest sync first, paged", async () => {
    const r = await as(owner, `/api/v1/integration-records/${slug}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ total: 3, page: 1, page_size: 50, recordset_id: rsId, recordset_slug: slug, staging_table: source });
    expect(r.body.items.map((x: { external_id: string }) => x.external_id)).toEqual(["p-3", "p-2", "p-1"]);
    expect(r.body.items[2]).toMatchObject({
      id: rowIds[0],
      recordset_id: rsId,
      source,
      field_values: { name: "Blue Mug", price: 12 },
      synced_at: "2026-01-01T00:00:01.000Z",
    });
    const p2 = await as(owner, `/api/v1/integration-records/${slug}?page=2&page_size=2`);
    expect(p2.body.items.map((x: { external_id: string }) => x.external_id)).toEqual(["p-1"]);
    expect(p2.body.total).toBe(3);
    // By id as well as slug.
    expect((await as(owner, `/api/v1/integration-records/${rsId}/count`)).body.count).toBe(3);
  });

  it("sorts by known columns and field keys (numbers as numbers), searches values", async () => {
    const byPrice = await as(owner, `/api/v1/integration-records/${slug}?sort_by=price&sort_order=asc`);
    expect(byPrice.body.items.map((x: { external_id: string }) => x.external_id)).toEqual(["p-2", "p-1", "p-3"]);
    const byName = await as(owner, `/api/v1/integration-records/${slug}?sort_by=name&sort_order=desc`);
    expect(byName.body.items.map((x: { external_id: string }) => x.external_id)).toEqual(["p-2", "p-3", "p-1"]);
    const byExt = await as(owner, `/api/v1/integration-records/${slug}?sort_by=external_id&sort_order=asc`);
    expect(byExt.body.items.map((x: { external_id: string }) => x.external_id)).toEqual(["p-1", "p-2", "p-3"]);
    const search = await as(owner, `/api/v1/integration-records/${slug}?search=teaPOT`);
    expect(search.body).toMatchObject({ total: 1 });
    expect(search.body.items[0].external_id).toBe("p-2");
    // LIKE wildcards are literal; keys are not searched.
    expect((await as(owner, `/api/v1/integration-records/${slug}?search=%25`)).body.total).toBe(0);
    expect((await as(owner, `/api/v1/integration-records/${slug}?search=price`)).body.total).toBe(0);
  });

  it("422s unknown sort fields and bad paging, never raw SQL", async () => {
    for (const q of ["sort_by=data", "sort_by=price;drop table records", "sort_order=up", "page=0", "page_size=201"]) {
      const r = await as(owner, `/api/v1/integration-records/${slug}?${q}`);
      expect(r.status, q).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(r.body.detail[0].loc[0]).toBe("query");
    }
  });

  it("counts and gets one row by id or external id", async () => {
    const c = await as(owner, `/api/v1/integration-records/${slug}/count`);
    expect(c.status).toBe(200);
    expect(c.body).toEqual({ recordset_id: rsId, recordset_slug: slug, staging_table: source, count: 3 });
    const byId = await as(owner, `/api/v1/integration-records/${slug}/${rowIds[1]}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: rowIds[1], external_id: "p-2", field_values: { name: "Red Teapot" } });
    const byExt = await as(owner, `/api/v1/integration-records/${slug}/p-3`);
    expect(byExt.body).toMatchObject({ id: rowIds[2], external_id: "p-3" });
    // The other integration's row (same external id elsewhere, or its own id) is not here.
    expect((await as(owner, `/api/v1/integration-records/${slug}/${rowIds[3]}`)).status).toBe(404);
    expect((await as(owner, `/api/v1/integration-records/${slug}/nope`)).status).toBe(404);
  });

  it("404s ordinary, missing and trashed recordsets", async () => {
    for (const s of [plainSlug, "no-such-recordset", crypto.randomUUID()]) {
      for (const suffix of ["", "/count", "/p-1"]) {
        const r = await as(owner, `/api/v1/integration-records/${s}${suffix}`);
        expect(r.status, `${s}${suffix}`).toBe(404);
        expect(r.body.code).toBe("not_found");
      }
    }
    const trashed = await makeRecordset({ isIntegration: true, stagingTable: source, deletedAt: new Date() });
    expect((await as(owner, `/api/v1/integration-records/${trashed.slug}`)).status).toBe(404);
  });

  it("needs a grant: a member without one gets 404, a granted viewer reads", async () => {
    for (const suffix of ["", "/count", "/p-1"]) {
      expect((await as(member, `/api/v1/integration-records/${slug}${suffix}`)).status).toBe(404);
      expect((await as(granted, `/api/v1/integration-records/${slug}${suffix}`)).status).toBe(200);
    }
  });

  it("another workspace's owner sees nothing", async () => {
    const other = await signup();
    const r = await call("GET", `/api/v1/integration-records/${slug}`, { token: other.token, workspace: other.workspaceId });
    expect(r.status).toBe(404);
  });
});

describe("integration records: contract", () => {
  it("serves the three endpoints of the group, documented with their errors", async () => {
    const paths = (await call("GET", "/openapi.json")).body.paths as Record<
      string,
      Record<string, { responses: object; security?: unknown[] }>
    >;
    for (const e of [
      "GET /api/v1/integration-records/{recordset_slug}",
      "GET /api/v1/integration-records/{recordset_slug}/count",
      "GET /api/v1/integration-records/{recordset_slug}/{record_id}",
    ]) {
      const [method, path] = e.split(" ") as [string, string];
      const op = paths[path]?.[method.toLowerCase()];
      expect(op, e).toBeTruthy();
      expect(Object.keys(op?.responses ?? {}), e).toEqual(expect.arrayContaining(["200", "401", "404", "422"]));
      expect(op?.security, e).toBeTruthy();
    }
  });
});

describeSecurity("integration records", [
  { method: "GET", path: "/api/v1/integration-records/some-slug", workspace: true },
  { method: "GET", path: "/api/v1/integration-records/some-slug/count", workspace: true },
  { method: "GET", path: "/api/v1/integration-records/some-slug/p-1", workspace: true },
]);
