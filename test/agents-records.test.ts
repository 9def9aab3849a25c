import { and, eq, like, sql } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { agents } from "../src/modules/agents/tables";
import { records, recordVersions } from "../src/modules/records/tables";
import type { FieldDef } from "../src/modules/recordsets/fields";
import { recordsetAccess, recordsets } from "../src/modules/recordsets/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, type Joined, join, type SignedUp, signup, withDb } from "./harness";

// AI employees on records: the records tools (src/modules/records/tools.ts) run with the invoking
// person's access, through the records service's one write path.

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let ownerMemberId: string;
let granted: Joined; // member with a grant: view, create, edit
let stranger: Joined; // member without any grant on the recordset
let ws: string;
let rs: { id: string; slug: string };
let acme: { id: string; version: number }; // the owner's
let hooli: { id: string; version: number }; // created by `granted`

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

type Step = { type: string; name?: string; is_error?: boolean; result?: any; arguments?: any };
type Run = { id: string; status: string; output: string | null; steps: Step[] };
const run = async (who: Who, agent: string, instruction: string) => {
  const r = await as(who, "POST", `/api/v1/agents/${agent}/run`, { instruction });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as Run;
};
const results = (r: Run) => r.steps.filter((s) => s.type === "tool_result");

const FIELDS: FieldDef[] = [
  { key: "name", name: "Name", type: "text", required: true, is_primary: true },
  { key: "stage", name: "Stage", type: "select", options: ["lead", "won", "lost"] },
  { key: "amount", name: "Amount", type: "currency", currency: "USD" },
];

const storedCount = () => tenant(ws, async (db) => (await db.select().from(recordsets).where(eq(recordsets.id, rs.id)))[0]!.recordCount);
const liveCount = () =>
  tenant(
    ws,
    async (db) => (await db.select().from(records).where(eq(records.recordsetId, rs.id))).filter((r) => r.status !== "deleted").length,
  );
const recordsNamed = (part: string) =>
  tenant(ws, (db) =>
    db
      .select()
      .from(records)
      .where(and(eq(records.recordsetId, rs.id), like(records.title, `%${part}%`))),
  );

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [granted, stranger] = await Promise.all([join(owner, "member"), join(owner, "member")]);
  ownerMemberId = (await as(owner, "GET", "/api/v1/members/me")).body.id;
  const slug = `deals-${crypto.randomUUID().slice(0, 8)}`;
  rs = await tenant(ws, async (db) => {
    const [r] = await db
      .insert(recordsets)
      .values({ slug, name: `Deals ${slug}`, fields: FIELDS, createdByMemberId: ownerMemberId })
      .returning();
    await db
      .insert(recordsetAccess)
      .values({ recordsetId: r!.id, memberId: granted.memberId, canView: true, canCreate: true, canEdit: true });
    return { id: r!.id, slug };
  });
  for (const values of [
    { name: "Acme Corp", stage: "lead", amount: 1200 },
    { name: "Acme Labs", stage: "won", amount: 900 },
    { name: "Globex", stage: "lead", amount: 300 },
  ]) {
    const r = await as(owner, "POST", "/api/v1/records", { recordset_id: rs.id, field_values: values });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    if (values.name === "Acme Corp") acme = r.body;
  }
  // The member role edits only its own records (can_edit_own_record), whatever the grant says.
  const own = await as(granted, "POST", "/api/v1/records", { recordset_id: rs.slug, field_values: { name: "Hooli", stage: "lead" } });
  expect(own.status, JSON.stringify(own.body)).toBe(201);
  hooli = own.body;
});

describe("records tools", () => {
  it("are given to Atlas and Sterling through the records capability", async () => {
    const names = ["list_recordsets", "search_records", "get_record", "create_record", "update_record"];
    for (const slug of ["atlas", "sterling"]) {
      const a = await as(granted, "GET", `/api/v1/agents/${slug}`);
      expect(a.status).toBe(200);
      expect(a.body.capabilities).toContain("records");
      expect(a.body.tools).toEqual(expect.arrayContaining(names));
    }
    const tools = await as(granted, "GET", "/api/v1/agents/tools");
    expect(tools.status).toBe(200);
    const search = tools.body.find((t: { name: string }) => t.name === "search_records");
    expect(search).toMatchObject({ capability: "records", parameters: { type: "object" } });
    expect(search.parameters.required).toEqual(["recordset"]);
    expect(search.parameters.properties.limit).toMatchObject({ maximum: 20 });
  });

  it("an employee lists recordsets, searches records and creates and updates records through tool calls", async () => {
    const marker = crypto.randomUUID();
    const newName = `Initech ${marker.slice(0, 8)}`;
    const before = await storedCount();
    await script(marker, [
      {
        tool_calls: [
          { name: "list_recordsets", arguments: { search: rs.slug } },
          {
            name: "search_records",
            arguments: {
              recordset: rs.slug,
              search: "acme",
              column_filters: [{ field: "stage", op: "eq", value: "lead" }],
              fields: ["name", "stage"],
              limit: 5,
            },
          },
          { name: "get_record", arguments: { record_id: acme.id } },
        ],
      },
      {
        tool_calls: [
          {
            name: "create_record",
            arguments: { recordset: rs.slug, field_values: { name: newName, stage: "won", amount: 5000 }, tags: ["ai"] },
          },
          { name: "update_record", arguments: { record_id: hooli.id, field_values: { stage: "won", amount: 70 } } },
          { name: "update_record", arguments: { record_id: acme.id, field_values: { stage: "won" } } },
        ],
      },
      { content: "Created Initech and moved Hooli to won." },
    ]);
    const r = await run(granted, "sterling", `Add Initech as a won deal and close Hooli and Acme Corp. ${marker}`);
    expect(r).toMatchObject({ status: "completed", output: "Created Initech and moved Hooli to won." });
    const res = results(r);
    expect(
      res.map((s) => [s.name, s.is_error]),
      JSON.stringify(res),
    ).toEqual([
      ["list_recordsets", false],
      ["search_records", false],
      ["get_record", false],
      ["create_record", false],
      ["update_record", false],
      ["update_record", true],
    ]);
    const [listed, searched, got, created, updated, refused] = res.map((s) => s.result);
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).toMatchObject({ id: rs.id, slug: rs.slug, record_count: before });
    expect(listed.items[0].fields.map((f: { key: string }) => f.key)).toEqual(["name", "stage", "amount"]);
    // Only Acme Corp matches "acme" AND stage = lead; only the asked-for fields come back.
    expect(searched.total).toBe(1);
    expect(searched.items).toHaveLength(1);
    expect(searched.items[0]).toMatchObject({ id: acme.id, title: "Acme Corp", field_values: { name: "Acme Corp", stage: "lead" } });
    expect(Object.keys(searched.items[0].field_values).sort()).toEqual(["name", "stage"]);
    expect(got).toMatchObject({ id: acme.id, version: 1, field_values: { name: "Acme Corp", stage: "lead", amount: 1200 } });
    expect(created).toMatchObject({ recordset_id: rs.id, title: newName, version: 1, tags: ["ai"], status: "active" });
    expect(updated).toMatchObject({ id: hooli.id, version: 2, field_values: { name: "Hooli", stage: "won", amount: 70 } });
    // The invoking member's role (can_edit_own_record only) applies: someone else's record is refused.
    expect(refused.error.code).toBe("forbidden");

    // The record exists, at version 1 with its one version row, and the count is exact.
    const [row] = await recordsNamed(newName);
    expect(row).toMatchObject({ id: created.id, version: 1, status: "active", fieldValues: { name: newName, stage: "won", amount: 5000 } });
    // Written with the invoking person's access, so it is theirs (their *_own rules apply to it).
    expect(row?.createdByMemberId).toBe(granted.memberId);
    const versions = await tenant(ws, (db) => db.select().from(recordVersions).where(eq(recordVersions.recordId, created.id)));
    expect(versions.map((v) => [v.version, v.changeType])).toEqual([[1, "create"]]);
    expect(await storedCount()).toBe(before + 1);
    expect(await liveCount()).toBe(before + 1);
    // The person sees it through the API too.
    expect((await as(granted, "GET", `/api/v1/records/${created.id}`)).body).toMatchObject({ version: 1, title: newName });
    expect((await as(granted, "GET", `/api/v1/records/${hooli.id}`)).body).toMatchObject({ version: 2 });
    expect((await as(granted, "GET", `/api/v1/records/${acme.id}`)).body).toMatchObject({ version: 1, field_values: { stage: "lead" } });
  });

  it("a member without a grant on the recordset gets not-found tool results and nothing is written", async () => {
    const marker = crypto.randomUUID();
    const name = `Sneaky ${marker.slice(0, 8)}`;
    await script(marker, [
      {
        tool_calls: [
          { name: "list_recordsets", arguments: {} },
          { name: "search_records", arguments: { recordset: rs.slug, search: "acme" } },
          { name: "get_record", arguments: { record_id: acme.id } },
          { name: "create_record", arguments: { recordset: rs.slug, field_values: { name } } },
          { name: "update_record", arguments: { record_id: acme.id, field_values: { stage: "lost" } } },
        ],
      },
      { content: "I cannot see that recordset." },
    ]);
    const before = await storedCount();
    const acmeBefore = (await as(owner, "GET", `/api/v1/records/${acme.id}`)).body;
    const r = await run(stranger, "atlas", `Add a deal. ${marker}`);
    expect(r.status).toBe("completed");
    const [listed, ...rest] = results(r);
    expect(listed).toMatchObject({ name: "list_recordsets", is_error: false });
    expect(listed?.result.items.map((x: { id: string }) => x.id)).not.toContain(rs.id);
    expect(rest.map((s) => [s.name, s.is_error, s.result?.error?.code])).toEqual([
      ["search_records", true, "not_found"],
      ["get_record", true, "not_found"],
      ["create_record", true, "not_found"],
      ["update_record", true, "not_found"],
    ]);
    expect(rest[0]?.result.error.message).toBe(`Recordset ${rs.slug} not found`);
    expect(rest[1]?.result.error.message).toBe(`Record ${acme.id} not found`);
    expect(await recordsNamed(name)).toHaveLength(0);
    expect(await storedCount()).toBe(before);
    expect((await as(owner, "GET", `/api/v1/records/${acme.id}`)).body).toMatchObject({
      version: acmeBefore.version,
      field_values: acmeBefore.field_values,
    });
  });

  it("invalid field values come back as tool errors naming the fields; nothing is written", async () => {
    const marker = crypto.randomUUID();
    await script(marker, [
      {
        tool_calls: [
          { name: "create_record", arguments: { recordset: rs.slug, field_values: { stage: "maybe", amount: "lots", colour: "red" } } },
          { name: "update_record", arguments: { record_id: hooli.id, field_values: { amount: "a lot" } } },
          { name: "search_records", arguments: { recordset: rs.slug, column_filters: [{ field: "no_such_field", op: "eq", value: 1 }] } },
          { name: "search_records", arguments: { recordset: rs.slug, limit: 500 } },
        ],
      },
      { content: "Those values do not fit the fields." },
    ]);
    const before = await storedCount();
    const hooliBefore = (await as(owner, "GET", `/api/v1/records/${hooli.id}`)).body;
    const versionsBefore = await tenant(ws, (db) => db.$count(recordVersions));
    const r = await run(granted, "atlas", `Add a deal with odd values. ${marker}`);
    expect(r.status).toBe("completed");
    const res = results(r);
    expect(res.map((s) => [s.name, s.is_error, s.result?.error?.code])).toEqual([
      ["create_record", true, "validation_error"],
      ["update_record", true, "validation_error"],
      ["search_records", true, "validation_error"],
      ["search_records", true, "validation_error"],
    ]);
    const createIssues = res[0]?.result.error.issues.map((i: { loc: string[] }) => i.loc.at(-1)).sort();
    expect(createIssues).toEqual(expect.arrayContaining(["amount", "colour", "name", "stage"]));
    expect(res[1]?.result.error.issues.map((i: { loc: string[] }) => i.loc.at(-1))).toEqual(["amount"]);
    expect(res[3]?.result.error.issues[0].loc).toEqual(["arguments", "limit"]);
    expect(await storedCount()).toBe(before);
    expect(await liveCount()).toBe(before);
    expect(await tenant(ws, (db) => db.$count(recordVersions))).toBe(versionsBefore);
    expect((await as(owner, "GET", `/api/v1/records/${hooli.id}`)).body).toMatchObject({
      version: hooliBefore.version,
      field_values: hooliBefore.field_values,
    });
  });
});

describe("roster updates reach existing workspaces", () => {
  it("a built-in seeded before a roster change gets the new capabilities on first use", async () => {
    const owner = await signup();
    // As a workspace seeded by an older roster would have it: Atlas without the records tools.
    await tenant(owner.workspaceId, (db) =>
      db.execute(sql`
        WITH m AS (
          INSERT INTO members (id, user_id, email, full_name, display_name, role)
          VALUES (gen_random_uuid(), gen_random_uuid(), 'atlas@agents.atrium.invalid', 'Atlas', 'Atlas', 'member')
          RETURNING id
        )
        INSERT INTO agents (id, member_id, slug, name, role, category, capabilities, system_prompt, is_builtin)
        SELECT gen_random_uuid(), id, 'atlas', 'Atlas', 'Executive Assistant', 'operations', '["task_management"]'::jsonb, 'old prompt', true FROM m`),
    );
    const res = await call("GET", "/api/v1/agents/atlas", { token: owner.token, workspace: owner.workspaceId });
    expect(res.status).toBe(200);
    expect(res.body.capabilities).toContain("records");
    const [row] = await tenant(owner.workspaceId, (db) => db.select().from(agents).where(eq(agents.slug, "atlas")));
    expect(row?.capabilities).toContain("records");
    expect(row?.systemPrompt).not.toBe("old prompt");
  });
});
