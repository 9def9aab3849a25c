// The records list query language on known data: every filter kind, sort, projection, paging, and 422s.
import { beforeAll, describe, expect, it } from "vitest";
import type { FieldDef } from "../src/modules/recordsets/fields";
import { recordsets } from "../src/modules/recordsets/tables";
import { call, databaseUrl, type SignedUp, signup, withDb } from "./harness";

let owner: SignedUp;
let ws: string;
let rsId: string;
const byName: Record<string, string> = {};

const FIELDS: FieldDef[] = [
  { key: "name", name: "Name", type: "text", is_primary: true },
  { key: "stage", name: "Stage", type: "select", options: ["lead", "won", "lost"] },
  { key: "amount", name: "Amount", type: "number" },
  { key: "price", name: "Price", type: "currency", currency: "EUR" },
  { key: "close_date", name: "Close date", type: "date" },
  { key: "labels", name: "Labels", type: "multi_select", options: ["a", "b", "c"] },
  { key: "active", name: "Active", type: "boolean" },
];

const DATA: { values: Record<string, unknown>; tags: string[]; status?: string }[] = [
  { values: { name: "Alpha", stage: "lead", amount: 9, price: 9, close_date: "2026-01-05", labels: ["a"], active: true }, tags: ["x"] },
  { values: { name: "Beta", stage: "won", amount: 100, close_date: "2026-02-10", labels: ["a", "b"], active: false }, tags: ["x", "y"] },
  { values: { name: "Gamma", stage: "lost", amount: 25.5, close_date: "2026-03-15T10:00:00Z", labels: [] }, tags: ["y"] },
  { values: { name: "Delta", stage: "won", amount: 1000, labels: ["c"] }, tags: [] },
  { values: { name: "Epsilon 50%_off", stage: "lead", close_date: "2025-12-31" }, tags: ["z"] },
  { values: { name: "Zeta", amount: 7 }, tags: ["x"], status: "archived" },
];

const list = (query: Record<string, unknown>) => {
  const qs = new URLSearchParams();
  qs.set("recordset_id", rsId);
  // The default (everything but deleted) would include the archived Zeta; most checks look at active records.
  qs.set("status", "active");
  for (const [k, v] of Object.entries(query)) qs.set(k, typeof v === "string" ? v : JSON.stringify(v));
  return call("GET", `/api/v1/records?${qs}`, { token: owner.token, workspace: ws });
};
/** Names of the matches, in the order returned. */
async function names(query: Record<string, unknown>): Promise<string[]> {
  const r = await list(query);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items.map((i: { title: string }) => i.title);
}
const sorted = async (query: Record<string, unknown>) => (await names(query)).sort();

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  const me = (await call("GET", "/api/v1/members/me", { token: owner.token, workspace: ws })).body.id;
  rsId = await withDb(databaseUrl(`ws_${ws.replace(/-/g, "")}`), async (db) => {
    const [r] = await db
      .insert(recordsets)
      .values({ slug: "query-deals", name: "Deals", fields: FIELDS, createdByMemberId: me })
      .returning();
    return r!.id;
  });
  for (const d of DATA) {
    const r = await call("POST", "/api/v1/records", {
      token: owner.token,
      workspace: ws,
      body: { recordset_id: rsId, field_values: d.values, tags: d.tags, status: d.status ?? "active" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    byName[d.values.name as string] = r.body.id;
  }
});

describe("records query: column_filters", () => {
  it("eq, in (compact), neq, not_in", async () => {
    expect(await sorted({ column_filters: [{ field: "stage", op: "eq", value: "won" }] })).toEqual(["Beta", "Delta"]);
    expect(await sorted({ column_filters: { stage: ["won", "lost"] } })).toEqual(["Beta", "Delta", "Gamma"]);
    expect(await sorted({ column_filters: { stage: "lead" } })).toEqual(["Alpha", "Epsilon 50%_off"]);
    expect(await sorted({ column_filters: [{ field: "stage", op: "neq", value: "lead" }] })).toEqual(["Beta", "Delta", "Gamma"]);
    expect(await sorted({ column_filters: [{ field: "stage", op: "not_in", value: ["lead", "won"] }] })).toEqual(["Gamma"]);
    expect(await sorted({ column_filters: [{ field: "amount", op: "eq", value: 100 }] })).toEqual(["Beta"]);
    expect(await sorted({ column_filters: [{ field: "active", op: "eq", value: true }] })).toEqual(["Alpha"]);
    expect(await sorted({ column_filters: [{ field: "title", op: "eq", value: "Gamma" }] })).toEqual(["Gamma"]);
  });

  it("multi_select matches any record holding the option", async () => {
    expect(await sorted({ column_filters: { labels: "a" } })).toEqual(["Alpha", "Beta"]);
    expect(await sorted({ column_filters: [{ field: "labels", op: "in", value: ["b", "c"] }] })).toEqual(["Beta", "Delta"]);
  });

  it("contains / starts_with / ends_with are case-insensitive and treat % and _ literally", async () => {
    expect(await sorted({ column_filters: [{ field: "name", op: "contains", value: "ET" }] })).toEqual(["Beta"]);
    expect(await sorted({ column_filters: [{ field: "name", op: "starts_with", value: "g" }] })).toEqual(["Gamma"]);
    expect(await sorted({ column_filters: [{ field: "name", op: "ends_with", value: "ta" }] })).toEqual(["Beta", "Delta"]);
    expect(await sorted({ column_filters: [{ field: "name", op: "contains", value: "%" }] })).toEqual(["Epsilon 50%_off"]);
    expect(await sorted({ column_filters: [{ field: "name", op: "contains", value: "_" }] })).toEqual(["Epsilon 50%_off"]);
    expect(await sorted({ column_filters: [{ field: "name", op: "eq", value: "x' OR '1'='1" }] })).toEqual([]);
  });

  it("is_empty / is_not_empty", async () => {
    expect(await sorted({ column_filters: [{ field: "amount", op: "is_empty" }] })).toEqual(["Epsilon 50%_off"]);
    expect(await sorted({ column_filters: [{ field: "labels", op: "is_empty" }] })).toEqual(["Epsilon 50%_off", "Gamma"]);
    expect(await sorted({ column_filters: [{ field: "close_date", op: "is_not_empty" }] })).toEqual([
      "Alpha",
      "Beta",
      "Epsilon 50%_off",
      "Gamma",
    ]);
  });
});

describe("records query: date_filters", () => {
  it("before, after, on, between (date-only upper bound inclusive), compact form", async () => {
    expect(await sorted({ date_filters: [{ field: "close_date", op: "after", value: "2026-01-31" }] })).toEqual(["Beta", "Gamma"]);
    expect(await sorted({ date_filters: [{ field: "close_date", op: "before", value: "2026-01-01" }] })).toEqual(["Epsilon 50%_off"]);
    expect(await sorted({ date_filters: [{ field: "close_date", op: "on", value: "2026-03-15" }] })).toEqual(["Gamma"]);
    expect(await sorted({ date_filters: [{ field: "close_date", op: "between", value: ["2026-01-01", "2026-02-10"] }] })).toEqual([
      "Alpha",
      "Beta",
    ]);
    expect(await sorted({ date_filters: { close_date: { after: "2026-01-01", before: "2026-03-01" } } })).toEqual(["Alpha", "Beta"]);
    expect(await sorted({ date_filters: [{ field: "close_date", op: "is_empty" }] })).toEqual(["Delta"]);
  });

  it("relative ranges (last / next / this_year) on fields and created_at", async () => {
    expect((await names({ date_filters: [{ field: "created_at", op: "last", value: "1d" }] })).length).toBe(5);
    expect(await names({ date_filters: [{ field: "created_at", op: "next", value: "1d" }] })).toEqual([]);
    expect((await names({ date_filters: [{ field: "updated_at", op: "today" }] })).length).toBe(5);
    expect(await sorted({ date_filters: [{ field: "close_date", op: "last", value: "100y" }] })).toEqual([
      "Alpha",
      "Beta",
      "Epsilon 50%_off",
      "Gamma",
    ]);
  });
});

describe("records query: numeric_filters", () => {
  it("gt, between, compact ranges, currency fields, version", async () => {
    expect(await sorted({ numeric_filters: [{ field: "amount", op: "gt", value: 20 }] })).toEqual(["Beta", "Delta", "Gamma"]);
    expect(await sorted({ numeric_filters: [{ field: "amount", op: "between", value: [9, 25.5] }] })).toEqual(["Alpha", "Gamma"]);
    expect(await sorted({ numeric_filters: { amount: { gte: 100, lt: 1000 } } })).toEqual(["Beta"]);
    expect(await sorted({ numeric_filters: { amount: { lte: "9" } } })).toEqual(["Alpha"]);
    expect(await sorted({ numeric_filters: { price: { eq: 9 } } })).toEqual(["Alpha"]);
    expect((await names({ numeric_filters: { version: { eq: 1 } } })).length).toBe(5);
  });

  it("combines with column and date filters (AND)", async () => {
    expect(
      await sorted({
        column_filters: { stage: "won" },
        numeric_filters: { amount: { lt: 500 } },
        date_filters: { close_date: { after: "2026-01-01" } },
      }),
    ).toEqual(["Beta"]);
  });
});

describe("records query: search, tags, status", () => {
  it("search matches the searchable values, case-insensitively", async () => {
    expect(await sorted({ search: "GAM" })).toEqual(["Gamma"]);
    expect(await sorted({ search: "won" })).toEqual(["Beta", "Delta"]);
    expect(await sorted({ search: "50%" })).toEqual(["Epsilon 50%_off"]);
  });

  it("tags any / all", async () => {
    expect(await sorted({ tags: "x,z" })).toEqual(["Alpha", "Beta", "Epsilon 50%_off"]);
    expect(await sorted({ tags: "x,y", tags_mode: "all" })).toEqual(["Beta"]);
  });

  it("status: default hides deleted; archived on request", async () => {
    expect(await sorted({ status: "archived" })).toEqual(["Zeta"]);
    expect((await names({ status: "active,archived" })).length).toBe(6);
  });

  it("the CRUD list takes the basic filters", async () => {
    const r = await call("GET", `/api/v1/crud/records?recordset_id=query-deals&search=beta&tags=x`, { token: owner.token, workspace: ws });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { title: string }) => i.title)).toEqual(["Beta"]);
  });
});

describe("records query: sort, projection, paging", () => {
  it("numbers sort numerically and dates chronologically, nulls last", async () => {
    expect(await names({ sort_by: "amount", sort_order: "desc" })).toEqual(["Delta", "Beta", "Gamma", "Alpha", "Epsilon 50%_off"]);
    expect(await names({ sort_by: "-amount" })).toEqual(["Delta", "Beta", "Gamma", "Alpha", "Epsilon 50%_off"]);
    expect(await names({ sort_by: "amount:asc" })).toEqual(["Alpha", "Gamma", "Beta", "Delta", "Epsilon 50%_off"]);
    expect(await names({ sort_by: "close_date" })).toEqual(["Epsilon 50%_off", "Alpha", "Beta", "Gamma", "Delta"]);
  });

  it("several keys, text and built-in columns", async () => {
    expect(await names({ sort_by: "stage,amount:desc" })).toEqual(["Alpha", "Epsilon 50%_off", "Gamma", "Delta", "Beta"]);
    expect(await names({ sort_by: "title:desc" })).toEqual(["Gamma", "Epsilon 50%_off", "Delta", "Beta", "Alpha"]);
    expect(await names({ sort_by: "created_at", sort_order: "asc" })).toEqual(["Alpha", "Beta", "Gamma", "Delta", "Epsilon 50%_off"]);
  });

  it("fields projects field_values", async () => {
    const r = await list({ fields: "name,amount", column_filters: { stage: "won" }, sort_by: "amount" });
    expect(r.body.items.map((i: { field_values: unknown }) => i.field_values)).toEqual([
      { name: "Beta", amount: 100 },
      { name: "Delta", amount: 1000 },
    ]);
  });

  it("skip/limit and page/page_size with the total", async () => {
    const a = await list({ sort_by: "-amount", skip: "1", limit: "2" });
    expect(a.body).toMatchObject({ total: 5, skip: 1, limit: 2, has_more: true });
    expect(a.body.items.map((i: { title: string }) => i.title)).toEqual(["Beta", "Gamma"]);
    const b = await list({ sort_by: "-amount", page: "2", page_size: "2" });
    expect(b.body).toMatchObject({ total: 5, skip: 2, page: 2, page_size: 2 });
    expect(b.body.items.map((i: { title: string }) => i.title)).toEqual(["Gamma", "Alpha"]);
    const past = await list({ skip: "100" });
    expect(past.body).toMatchObject({ total: 5, items: [], has_more: false });
    expect((await list({ limit: "201" })).status).toBe(422);
  });
});

describe("records query: bad filters are 422s naming the problem", () => {
  const bad = async (query: Record<string, unknown>, loc: (string | number)[], text: string) => {
    const r = await list(query);
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.code).toBe("validation_error");
    const issue = r.body.detail.find((d: { loc: unknown[] }) => JSON.stringify(d.loc) === JSON.stringify(["query", ...loc]));
    expect(issue, JSON.stringify(r.body.detail)).toBeTruthy();
    expect(issue.msg).toContain(text);
  };

  it("unknown fields and operators", async () => {
    await bad({ column_filters: [{ field: "nope", op: "eq", value: 1 }] }, ["column_filters", 0, "field"], "nope");
    await bad({ column_filters: [{ field: "stage", op: "like", value: "x" }] }, ["column_filters", 0, "op"], "like");
    await bad({ column_filters: { "name'); drop table records; --": "x" } }, ["column_filters", 0, "field"], "drop table");
    await bad({ date_filters: [{ field: "close_date", op: "around", value: "2026-01-01" }] }, ["date_filters", 0, "op"], "around");
    await bad({ date_filters: [{ field: "ghost", op: "after", value: "2026-01-01" }] }, ["date_filters", 0, "field"], "ghost");
    await bad({ numeric_filters: { amount: { approx: 3 } } }, ["numeric_filters", 0, "op"], "approx");
    await bad({ sort_by: "ghost" }, ["sort_by"], "ghost");
    await bad({ sort_by: "amount:sideways" }, ["sort_by"], "sideways");
    await bad({ fields: "name,ghost" }, ["fields"], "ghost");
    await bad({ status: "gone" }, ["status"], "gone");
  });

  it("filters of the wrong field type or value type", async () => {
    await bad({ date_filters: [{ field: "name", op: "after", value: "2026-01-01" }] }, ["date_filters", 0, "field"], "name");
    await bad({ numeric_filters: [{ field: "stage", op: "gt", value: 1 }] }, ["numeric_filters", 0, "field"], "stage");
    await bad({ numeric_filters: [{ field: "amount", op: "gt", value: "lots" }] }, ["numeric_filters", 0, "value"], "amount");
    await bad({ column_filters: [{ field: "amount", op: "eq", value: "ten" }] }, ["column_filters", 0, "value"], "amount");
    await bad({ date_filters: [{ field: "close_date", op: "after", value: "soon" }] }, ["date_filters", 0, "value"], "close_date");
    await bad({ date_filters: [{ field: "close_date", op: "last", value: "7 parsecs" }] }, ["date_filters", 0, "value"], "close_date");
    await bad({ column_filters: [{ field: "stage", op: "in", value: "won" }] }, ["column_filters", 0, "value"], "stage");
  });

  it("malformed JSON, and field filters without a recordset", async () => {
    await bad({ column_filters: "[{not json" }, ["column_filters"], "JSON");
    await bad({ numeric_filters: "5" }, ["numeric_filters"], "numeric_filters");
    const r = await call("GET", `/api/v1/records?column_filters=${encodeURIComponent('{"stage":"won"}')}`, {
      token: owner.token,
      workspace: ws,
    });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].msg).toContain("recordset_id");
    const ok = await call("GET", `/api/v1/records?column_filters=${encodeURIComponent('{"title":"Beta"}')}`, {
      token: owner.token,
      workspace: ws,
    });
    expect(ok.body.items.map((i: { title: string }) => i.title)).toEqual(["Beta"]);
  });
});
