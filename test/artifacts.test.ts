import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { artifactIntents } from "../src/modules/artifacts/tables";
import { outboxEvents } from "../src/platform/events/tables";
import { call, databaseUrl, type Joined, join, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenantOf = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);
const tenant = <T>(ws: string, f: Parameters<typeof withDb<T>>[1]) => withDb(tenantOf(ws), f);

const A = "/api/v1/artifact-actions";

let owner: SignedUp;
let ws: string;
let admin: Joined;
let member: Joined;
let viewer: Joined;
const as = (who: { token: string }, method: string, path: string, body?: unknown) =>
  call(method, `${A}${path}`, { token: who.token, workspace: ws, body });

let n = 0;
const uniqueName = (prefix = "artifact") => `${prefix} ${Date.now().toString(36)}${(n++).toString(36)}`;

async function create(who: { token: string }, body: Record<string, unknown>) {
  const r = await as(who, "POST", "/artifacts", { name: uniqueName(), ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function addVersion(who: { token: string }, id: string, body: Record<string, unknown>) {
  const r = await as(who, "POST", `/artifacts/${id}/versions`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function propose(who: { token: string }, body: Record<string, unknown>) {
  const r = await as(who, "POST", "/proposals", body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const check = (p: { checks: { name: string; passed: boolean }[] }, name: string) => p.checks.find((c) => c.name === name);

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  [admin, member, viewer] = await Promise.all([join(owner, "admin"), join(owner, "member"), join(owner, "viewer")]);
});

describe("artifacts and versions", () => {
  it("creates version 1, adds versions, reads any version, and lists history newest first", async () => {
    const a = await create(member, { artifact_type: "config", content: { b: 1, a: "x" }, change_message: "first" });
    expect(a).toMatchObject({
      artifact_type: "config",
      format: "json",
      latest_version: 1,
      published_version: null,
      status: "draft",
      created_by_member_id: member.memberId,
      version: { version: 1, is_latest: true, is_published: false, content: { b: 1, a: "x" }, change_message: "first" },
    });
    const v2 = await addVersion(member, a.id, { content: { a: "y", b: 1 }, change_message: "second", base_version: 1 });
    expect(v2).toMatchObject({
      latest_version: 2,
      version: { version: 2, content: { a: "y", b: 1 }, created_by_member_id: member.memberId },
    });
    await addVersion(member, a.id, { content: { a: "y", b: 2 } });

    const latest = await as(viewer, "GET", `/artifacts/${a.id}`);
    expect(latest.status).toBe(200);
    expect(latest.body.version).toMatchObject({ version: 3, content: { a: "y", b: 2 } });
    const first = await as(viewer, "GET", `/artifacts/${a.id}?version=1`);
    expect(first.body.version).toMatchObject({ version: 1, is_latest: false, content: { b: 1, a: "x" } });
    expect((await as(viewer, "GET", `/artifacts/${a.id}?version=9`)).status).toBe(404);
    expect((await as(viewer, "GET", `/artifacts/${a.id}?version=published`)).status).toBe(404);
    expect((await as(viewer, "GET", `/artifacts/${a.id}?version=abc`)).status).toBe(422);

    const h = await as(viewer, "GET", `/artifacts/${a.id}/history`);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ artifact_id: a.id, latest_version: 3, total: 3, has_more: false });
    expect(h.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(h.body.items[0]).not.toHaveProperty("content");
    const page = await as(viewer, "GET", `/artifacts/${a.id}/history?limit=1&offset=1`);
    expect(page.body.items.map((v: { version: number }) => v.version)).toEqual([2]);
    expect(page.body.has_more).toBe(true);
  });

  it("new version: base_version that is not the latest is 409; the same content is 422; neither writes", async () => {
    const a = await create(member, { content: "one\n" });
    expect(a.format).toBe("text");
    await addVersion(member, a.id, { content: "two\n" });
    const stale = await as(member, "POST", `/artifacts/${a.id}/versions`, { content: "three\n", base_version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe("conflict");
    const same = await as(member, "POST", `/artifacts/${a.id}/versions`, { content: "two\n" });
    expect(same.status).toBe(422);
    expect(same.body.detail[0]).toMatchObject({ loc: ["body", "content"], type: "no_change" });
    expect((await as(member, "GET", `/artifacts/${a.id}/history`)).body.total).toBe(2);
  });

  it("JSON content that differs only in key order is no change", async () => {
    const a = await create(member, { content: { x: 1, y: [1, 2] } });
    const r = await as(member, "POST", `/artifacts/${a.id}/versions`, { content: { y: [1, 2], x: 1 } });
    expect(r.status).toBe(422);
    expect(r.body.detail[0].type).toBe("no_change");
  });

  it("diffs two versions (default previous → latest) as a unified patch with hunks and counts", async () => {
    const a = await create(member, { content: "alpha\nbeta\ngamma\n" });
    await addVersion(member, a.id, { content: "alpha\nBETA\ngamma\ndelta\n" });
    const d = await as(viewer, "GET", `/artifacts/${a.id}/diff`);
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ from_version: 1, to_version: 2, format: "text", identical: false, additions: 2, deletions: 1 });
    expect(d.body.patch).toContain("-beta");
    expect(d.body.patch).toContain("+BETA");
    expect(d.body.patch).toContain("+delta");
    expect(d.body.patch).toContain("@@ -1,3 +1,4 @@");
    expect(d.body.hunks).toHaveLength(1);
    expect(d.body.hunks[0]).toMatchObject({ old_start: 1, old_lines: 3, new_start: 1, new_lines: 4 });
    expect(d.body.hunks[0].lines).toEqual([" alpha", "-beta", "+BETA", " gamma", "+delta"]);

    const back = await as(viewer, "GET", `/artifacts/${a.id}/diff?from_version=2&to_version=1`);
    expect(back.body).toMatchObject({ from_version: 2, to_version: 1, additions: 1, deletions: 2 });
    const same = await as(viewer, "GET", `/artifacts/${a.id}/diff?from=1&to=1`);
    expect(same.body).toMatchObject({ identical: true, additions: 0, deletions: 0, patch: "", hunks: [] });
    expect((await as(viewer, "GET", `/artifacts/${a.id}/diff?from_version=1&to_version=5`)).status).toBe(404);
    expect((await as(viewer, "GET", `/artifacts/${a.id}/diff?from_version=zero`)).status).toBe(422);
  });

  it("diffs JSON on its sorted-key pretty form", async () => {
    const a = await create(member, { content: { name: "x", limits: { max: 1, min: 0 } } });
    await addVersion(member, a.id, { content: { limits: { min: 0, max: 2 }, name: "x" } });
    const d = await as(viewer, "GET", `/artifacts/${a.id}/diff`);
    expect(d.body).toMatchObject({ format: "json", additions: 1, deletions: 1 });
    expect(d.body.hunks[0].lines).toContain('-    "max": 1,');
    expect(d.body.hunks[0].lines).toContain('+    "max": 2,');
  });

  it("publishes a version (latest by default) and records artifact.published; members cannot publish directly", async () => {
    const a = await create(member, { content: { v: 1 } });
    await addVersion(member, a.id, { content: { v: 2 } });
    const refused = await as(member, "POST", `/artifacts/${a.id}/publish`);
    expect(refused.status).toBe(403);
    expect((await as(member, "POST", "/artifacts", { name: uniqueName(), content: "x", publish: true })).status).toBe(403);

    const p = await as(admin, "POST", `/artifacts/${a.id}/publish?version=1`);
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({
      published_version: 1,
      status: "published",
      published_by_member_id: admin.memberId,
      version: { version: 1 },
    });
    const live = await as(viewer, "GET", `/artifacts/${a.id}?version=published`);
    expect(live.body.version).toMatchObject({ version: 1, is_published: true, content: { v: 1 } });
    const latest = await as(admin, "POST", `/artifacts/${a.id}/publish`);
    expect(latest.body.published_version).toBe(2);
    expect((await as(admin, "POST", `/artifacts/${a.id}/publish?version=7`)).status).toBe(404);
    expect((await as(admin, "GET", `/artifacts/${a.id}`)).body.published_version).toBe(2);

    const events = await tenant(ws, (db) => db.select().from(outboxEvents).where(eq(outboxEvents.type, "artifact.published")));
    const mine = events.filter((e) => (e.data as { artifact: { id: string } }).artifact.id === a.id);
    expect(mine.map((e) => (e.data as { artifact: { published_version: number } }).artifact.published_version)).toEqual([1, 2]);
  });

  it("rollback makes a NEW version with the old content (history kept), optionally publishing it", async () => {
    const a = await create(member, { content: { v: 1 } });
    await addVersion(member, a.id, { content: { v: 2 } });
    await addVersion(member, a.id, { content: { v: 3 } });
    const r = await as(member, "POST", `/artifacts/${a.id}/rollback`, { version: 1, change_message: "back to 1" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      latest_version: 4,
      published_version: null,
      version: { version: 4, content: { v: 1 }, restored_from_version: 1, change_message: "back to 1" },
    });
    expect((await as(member, "GET", `/artifacts/${a.id}/history`)).body.items.map((v: { version: number }) => v.version)).toEqual([
      4, 3, 2, 1,
    ]);
    expect((await as(member, "GET", `/artifacts/${a.id}/diff?from_version=1&to_version=4`)).body.identical).toBe(true);

    expect((await as(member, "POST", `/artifacts/${a.id}/rollback`, { version: 2, publish: true })).status).toBe(403);
    const pub = await as(admin, "POST", `/artifacts/${a.id}/rollback`, { version: 2, publish: true });
    expect(pub.body).toMatchObject({ latest_version: 5, published_version: 5, version: { content: { v: 2 } } });
    expect((await as(admin, "POST", `/artifacts/${a.id}/rollback`, { version: 5 })).status).toBe(422);
    expect((await as(admin, "POST", `/artifacts/${a.id}/rollback`, { version: 9 })).status).toBe(422);
    expect((await as(admin, "POST", `/artifacts/${a.id}/rollback`, { version: 1, base_version: 3 })).status).toBe(409);
    expect((await as(admin, "GET", `/artifacts/${a.id}`)).body.latest_version).toBe(5);
  });

  it("lists with filters (type, status, search, created_by, only_latest) and limit/offset", async () => {
    const type = `t${Date.now().toString(36)}`;
    const one = await create(member, { name: uniqueName("Pricing table"), artifact_type: type, content: { v: 1 } });
    await addVersion(member, one.id, { content: { v: 2 } });
    const two = await create(admin, { name: uniqueName("Onboarding prompt"), artifact_type: type, content: "hello" });
    await as(admin, "POST", `/artifacts/${two.id}/publish`);

    const all = await as(viewer, "GET", `/artifacts?artifact_type=${type}`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 2, limit: 50, offset: 0, has_more: false });
    expect(all.body.items.map((i: { id: string }) => i.id).sort()).toEqual([one.id, two.id].sort());
    const oneItem = all.body.items.find((i: { id: string }) => i.id === one.id);
    expect(oneItem.version).toMatchObject({ version: 2, is_latest: true });
    expect(oneItem.version).not.toHaveProperty("content");

    const published = await as(viewer, "GET", `/artifacts?artifact_type=${type}&status=published`);
    expect(published.body.items.map((i: { id: string }) => i.id)).toEqual([two.id]);
    const drafts = await as(viewer, "GET", `/artifacts?artifact_type=${type}&status=draft`);
    expect(drafts.body.items.map((i: { id: string }) => i.id)).toEqual([one.id]);
    const search = await as(viewer, "GET", `/artifacts?artifact_type=${type}&search=pricing`);
    expect(search.body.items.map((i: { id: string }) => i.id)).toEqual([one.id]);
    const mine = await as(admin, "GET", `/artifacts?artifact_type=${type}&created_by=me`);
    expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([two.id]);
    const byMember = await as(viewer, "GET", `/artifacts?artifact_type=${type}&created_by=${member.memberId}`);
    expect(byMember.body.items.map((i: { id: string }) => i.id)).toEqual([one.id]);

    const versions = await as(viewer, "GET", `/artifacts?artifact_type=${type}&only_latest=false`);
    expect(versions.body.total).toBe(3);
    expect(
      versions.body.items.filter((i: { id: string }) => i.id === one.id).map((i: { version: { version: number } }) => i.version.version),
    ).toEqual([2, 1]);
    const paged = await as(viewer, "GET", `/artifacts?artifact_type=${type}&limit=1&offset=1`);
    expect(paged.body).toMatchObject({ total: 2, limit: 1, offset: 1, has_more: false });
    expect(paged.body.items).toHaveLength(1);
    expect((await as(viewer, "GET", "/artifacts?limit=0")).status).toBe(422);
    expect((await as(viewer, "GET", "/artifacts?status=live")).status).toBe(422);
  });

  it("bad input is a clear 4xx and writes nothing", async () => {
    const type = `bad${Date.now().toString(36)}`;
    const count = async () => (await as(owner, "GET", `/artifacts?artifact_type=${type}`)).body.total;
    const cases: [Record<string, unknown>, number, unknown[]][] = [
      [{ artifact_type: type, content: "x" }, 422, ["body", "name"]],
      [{ name: "n", artifact_type: type }, 422, ["body", "content"]],
      [{ name: "n", artifact_type: type, format: "text", content: { a: 1 } }, 422, ["body", "content"]],
      [{ name: "n", artifact_type: type, format: "json", content: "{not json" }, 422, ["body", "content"]],
      [{ name: "n", artifact_type: type, format: "yaml", content: "a: 1" }, 422, ["body", "format"]],
      [{ name: "n", artifact_type: type, content: "x".repeat(300 * 1024) }, 422, ["body", "content"]],
      [{ name: "n", artifact_type: "has spaces", content: "x" }, 422, ["body", "artifact_type"]],
    ];
    for (const [body, status, loc] of cases) {
      const r = await as(owner, "POST", "/artifacts", body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(r.body.detail[0].loc).toEqual(loc);
    }
    expect((await as(owner, "POST", "/artifacts", undefined)).status).toBe(422);
    expect(await count()).toBe(0);

    const a = await create(owner, { artifact_type: type, content: { ok: true } });
    for (const body of [
      {},
      { content: "{oops" },
      { content: { ok: false }, base_version: 0 },
      { content: { ok: false }, publish: "yes" },
    ]) {
      const r = await as(owner, "POST", `/artifacts/${a.id}/versions`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect((await as(owner, "GET", `/artifacts/${a.id}/history`)).body.total).toBe(1);
    expect((await as(owner, "POST", `/artifacts/${a.id}/rollback`, {})).status).toBe(422);
    expect((await as(owner, "GET", `/artifacts/${a.id}`)).body.latest_version).toBe(1);
    expect(await count()).toBe(1);
  });

  it("viewers read but cannot write; unknown and malformed ids are 404", async () => {
    const a = await create(member, { content: "v1" });
    expect((await as(viewer, "GET", "/artifacts")).status).toBe(200);
    expect((await as(viewer, "POST", "/artifacts", { name: "x", content: "x" })).status).toBe(403);
    expect((await as(viewer, "POST", `/artifacts/${a.id}/versions`, { content: "v2" })).status).toBe(403);
    expect((await as(viewer, "POST", `/artifacts/${a.id}/rollback`, { version: 1 })).status).toBe(403);
    expect((await as(viewer, "GET", `/artifacts/${a.id}/history`)).body.total).toBe(1);
    expect((await as(viewer, "GET", "/artifacts/not-a-uuid")).status).toBe(404);
    expect((await as(viewer, "GET", `/artifacts/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("another workspace's artifact, proposal or execution is a 404 there", async () => {
    const a = await create(owner, { content: { v: 1 } });
    const p = await propose(owner, { action: "update", artifact_id: a.id, description: "bump", content: { v: 2 } });
    const other = await signup();
    const there = (method: string, path: string, body?: unknown) =>
      call(method, `${A}${path}`, { token: other.token, workspace: other.workspaceId, body });
    expect((await there("GET", `/artifacts/${a.id}`)).status).toBe(404);
    expect((await there("GET", `/artifacts/${a.id}/history`)).status).toBe(404);
    expect((await there("GET", `/artifacts/${a.id}/diff`)).status).toBe(404);
    expect((await there("POST", `/artifacts/${a.id}/versions`, { content: { v: 9 } })).status).toBe(404);
    expect((await there("POST", `/artifacts/${a.id}/publish`)).status).toBe(404);
    expect((await there("GET", `/proposals/${p.id}`)).status).toBe(404);
    expect((await there("POST", `/proposals/${p.id}/approve`)).status).toBe(404);
    expect((await there("POST", "/proposals", { action: "update", artifact_id: a.id, description: "x", content: { v: 3 } })).status).toBe(
      404,
    );
    expect((await there("GET", "/artifacts")).body.total).toBe(0);
    expect((await as(owner, "GET", `/artifacts/${a.id}`)).body.latest_version).toBe(1);
  });
});

describe("intents, proposals, decisions and executions", () => {
  it("full flow: propose (checks pass) → approve → execute (new version, published) → roll back the execution", async () => {
    const a = await create(member, { content: { greeting: "hello" } });
    await as(admin, "POST", `/artifacts/${a.id}/publish`);
    const p = await propose(member, {
      action: "update",
      artifact_id: a.id,
      description: "Friendlier greeting",
      content: { greeting: "hi there" },
      change_message: "friendlier",
      publish: true,
    });
    expect(p).toMatchObject({
      action: "update",
      artifact_id: a.id,
      status: "pending",
      checks_passed: true,
      base_version: 1,
      proposed_by_member_id: member.memberId,
      title: expect.stringContaining("Update"),
      intent: { action: "update", artifact_id: a.id, description: "Friendlier greeting" },
      plan: [
        { step: 1, op: "create_version", version: 2 },
        { step: 2, op: "publish_version", version: 2 },
      ],
      execution: null,
    });
    expect(p.checks.map((c: { name: string }) => c.name)).toEqual([
      "artifact_exists",
      "base_version_current",
      "content_valid",
      "change_not_empty",
    ]);
    expect(p.checks.every((c: { passed: boolean; message: string }) => c.passed && c.message)).toBe(true);

    expect((await as(member, "POST", `/proposals/${p.id}/approve`)).status).toBe(403);
    expect((await as(member, "POST", `/proposals/${p.id}/execute`)).status).toBe(409);
    const approved = await as(admin, "POST", `/proposals/${p.id}/approve`, { comment: "looks good" });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", decided_by_member_id: admin.memberId, decision_comment: "looks good" });
    expect((await as(admin, "POST", `/proposals/${p.id}/approve`)).status).toBe(409);
    expect((await as(admin, "POST", `/proposals/${p.id}/reject`)).status).toBe(409);
    expect((await as(viewer, "POST", `/proposals/${p.id}/execute`)).status).toBe(403);

    const done = await as(member, "POST", `/proposals/${p.id}/execute`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({
      status: "executed",
      execution: {
        status: "applied",
        artifact_id: a.id,
        before: { latest_version: 1, published_version: 1 },
        after: { latest_version: 2, published_version: 2 },
        results: [
          { step: 1, op: "create_version", version: 2 },
          { step: 2, op: "publish_version", version: 2 },
        ],
        executed_by_member_id: member.memberId,
      },
    });
    const live = await as(viewer, "GET", `/artifacts/${a.id}?version=published`);
    expect(live.body.version).toMatchObject({ version: 2, content: { greeting: "hi there" }, change_message: "friendlier" });
    expect(live.body.version.execution_id).toBe(done.body.execution.id);
    expect((await as(member, "POST", `/proposals/${p.id}/execute`)).status).toBe(409);
    expect((await as(viewer, "GET", `/proposals?status=executed`)).body.items.map((x: { id: string }) => x.id)).toContain(p.id);

    const execId = done.body.execution.id;
    expect((await as(member, "POST", `/executions/${execId}/rollback`)).status).toBe(403);
    const rb = await as(admin, "POST", `/executions/${execId}/rollback`);
    expect(rb.status, JSON.stringify(rb.body)).toBe(200);
    expect(rb.body).toMatchObject({
      execution: { id: execId, status: "rolled_back", rollback_version: 3, rolled_back_by_member_id: admin.memberId },
      artifact: { latest_version: 3, published_version: 1 },
    });
    const v3 = await as(viewer, "GET", `/artifacts/${a.id}`);
    expect(v3.body.version).toMatchObject({ version: 3, content: { greeting: "hello" }, restored_from_version: 1 });
    expect((await as(viewer, "GET", `/artifacts/${a.id}/history`)).body.total).toBe(3);
    expect((await as(admin, "POST", `/executions/${execId}/rollback`)).status).toBe(409);
    expect((await as(viewer, "GET", `/proposals/${p.id}`)).body.execution.status).toBe("rolled_back");
  });

  it("an intent made first is proposed by intent_id, once", async () => {
    const a = await create(member, { content: "draft\n" });
    const intent = await as(member, "POST", "/intents", { action: "publish", artifact_id: a.id, description: "Go live" });
    expect(intent.status, JSON.stringify(intent.body)).toBe(201);
    expect(intent.body).toMatchObject({
      action: "publish",
      artifact_id: a.id,
      description: "Go live",
      created_by_member_id: member.memberId,
    });
    const p = await propose(member, { intent_id: intent.body.id });
    expect(p).toMatchObject({ intent: { id: intent.body.id }, plan: [{ op: "publish_version", version: 1 }], checks_passed: true });
    expect((await as(member, "POST", "/proposals", { intent_id: intent.body.id })).status).toBe(409);
    const both = await as(member, "POST", "/proposals", { intent_id: intent.body.id, action: "update" });
    expect(both.status).toBe(422);
    expect((await as(member, "POST", "/proposals", { intent_id: crypto.randomUUID() })).status).toBe(404);
    expect((await as(admin, "POST", `/proposals/${p.id}/approve`)).status).toBe(200);
    expect((await as(admin, "POST", `/proposals/${p.id}/execute`)).body.execution.after).toEqual({
      latest_version: 1,
      published_version: 1,
    });
  });

  it("a create proposal makes the artifact on execution; its execution cannot be rolled back", async () => {
    const name = uniqueName("proposed");
    const p = await propose(member, {
      action: "create",
      name,
      artifact_type: "prompt",
      description: "New prompt",
      content: "You are helpful.",
    });
    expect(p).toMatchObject({ artifact_id: null, plan: [{ op: "create_artifact", version: 1 }], checks_passed: true });
    expect((await as(admin, "POST", `/proposals/${p.id}/approve`)).status).toBe(200);
    const done = await as(member, "POST", `/proposals/${p.id}/execute`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const id = done.body.artifact_id;
    expect(done.body.execution).toMatchObject({ artifact_id: id, before: { latest_version: null, published_version: null } });
    const got = await as(viewer, "GET", `/artifacts/${id}`);
    expect(got.body).toMatchObject({ name, artifact_type: "prompt", format: "text", version: { version: 1, content: "You are helpful." } });
    expect((await as(admin, "POST", `/executions/${done.body.execution.id}/rollback`)).status).toBe(409);
  });

  it("failing checks are shown, block approval (409) but not rejection", async () => {
    const a = await create(member, { content: { v: 1 } });
    const bad = await propose(member, { action: "update", artifact_id: a.id, description: "broken", content: "{not json" });
    expect(bad.checks_passed).toBe(false);
    expect(check(bad, "content_valid")).toMatchObject({ passed: false, message: expect.stringContaining("not valid JSON") });
    const empty = await propose(member, { action: "update", artifact_id: a.id, description: "same", content: { v: 1 } });
    expect(check(empty, "change_not_empty")?.passed).toBe(false);
    const big = await propose(member, { action: "update", artifact_id: a.id, description: "big", content: { s: "x".repeat(300 * 1024) } });
    expect(check(big, "content_valid")).toMatchObject({ passed: false, message: expect.stringContaining("limit") });
    const missing = await propose(member, { action: "rollback", artifact_id: a.id, description: "to 5", version: 5 });
    expect(check(missing, "version_exists")?.passed).toBe(false);

    const refused = await as(admin, "POST", `/proposals/${bad.id}/approve`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain("content_valid");
    expect((await as(admin, "GET", `/proposals/${bad.id}`)).body.status).toBe("pending");
    const rejected = await as(admin, "POST", `/proposals/${bad.id}/reject`, { comment: "fix the JSON" });
    expect(rejected.body).toMatchObject({ status: "rejected", decision_comment: "fix the JSON" });
    expect((await as(admin, "POST", `/proposals/${bad.id}/execute`)).status).toBe(409);
    expect((await as(admin, "POST", `/proposals/${bad.id}/reject`)).status).toBe(409);
    const list = await as(viewer, "GET", `/proposals?artifact_id=${a.id}&status=pending`);
    expect(list.body.items.map((x: { id: string }) => x.id).sort()).toEqual([empty.id, big.id, missing.id].sort());
    expect((await as(viewer, "GET", `/proposals?artifact_id=${a.id}&status=rejected`)).body.total).toBe(1);
    expect((await as(viewer, "GET", `/artifacts/${a.id}`)).body.latest_version).toBe(1);
  });

  it("a stale proposal cannot be approved, and an approved one that went stale executes nothing", async () => {
    const a = await create(member, { content: { v: 1 } });
    const p1 = await propose(member, { action: "update", artifact_id: a.id, description: "to 2", content: { v: 2 } });
    const p2 = await propose(member, { action: "update", artifact_id: a.id, description: "to 3", content: { v: 3 } });
    expect((await as(admin, "POST", `/proposals/${p2.id}/approve`)).status).toBe(200);
    await addVersion(owner, a.id, { content: { v: "meanwhile" } });

    const stale = await as(admin, "POST", `/proposals/${p1.id}/approve`);
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toContain("base_version_current");
    const ex = await as(member, "POST", `/proposals/${p2.id}/execute`);
    expect(ex.status).toBe(409);
    expect(ex.body.detail).toContain("base_version_current");
    const after = await as(viewer, "GET", `/proposals/${p2.id}`);
    expect(after.body).toMatchObject({ status: "approved", checks_passed: false, execution: null });
    expect(check(after.body, "base_version_current")?.passed).toBe(false);
    expect((await as(viewer, "GET", `/artifacts/${a.id}`)).body).toMatchObject({
      latest_version: 2,
      version: { content: { v: "meanwhile" } },
    });

    const explicit = await propose(member, {
      action: "update",
      artifact_id: a.id,
      description: "old base",
      content: { v: 4 },
      base_version: 1,
    });
    expect(check(explicit, "base_version_current")).toMatchObject({ passed: false, message: expect.stringContaining("latest is now 2") });
  });

  it("rolling back an execution after the artifact changed is a 409 unless forced", async () => {
    const a = await create(member, { content: { v: 1 } });
    const p = await propose(member, { action: "update", artifact_id: a.id, description: "to 2", content: { v: 2 } });
    await as(admin, "POST", `/proposals/${p.id}/approve`);
    const done = await as(member, "POST", `/proposals/${p.id}/execute`);
    await addVersion(member, a.id, { content: { v: 3 } });
    const refused = await as(admin, "POST", `/executions/${done.body.execution.id}/rollback`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain("force");
    expect((await as(admin, "GET", `/artifacts/${a.id}`)).body.latest_version).toBe(3);
    const forced = await as(admin, "POST", `/executions/${done.body.execution.id}/rollback`, { force: true });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    expect(forced.body.artifact.latest_version).toBe(4);
    expect((await as(admin, "GET", `/artifacts/${a.id}`)).body.version.content).toEqual({ v: 1 });
    expect((await as(admin, "POST", `/executions/${crypto.randomUUID()}/rollback`)).status).toBe(404);
  });

  it("rollback proposals copy an old version's content as a new version", async () => {
    const a = await create(member, { content: "one" });
    await addVersion(member, a.id, { content: "two" });
    const p = await propose(member, { action: "rollback", artifact_id: a.id, description: "undo", version: 1, publish: true });
    expect(p.plan).toMatchObject([
      { op: "create_version", version: 3, content_from_version: 1 },
      { op: "publish_version", version: 3 },
    ]);
    expect(p.checks_passed).toBe(true);
    await as(admin, "POST", `/proposals/${p.id}/approve`);
    const done = await as(member, "POST", `/proposals/${p.id}/execute`);
    expect(done.body.execution.after).toEqual({ latest_version: 3, published_version: 3 });
    expect((await as(viewer, "GET", `/artifacts/${a.id}?version=published`)).body.version).toMatchObject({
      content: "one",
      restored_from_version: 1,
    });
  });

  it("intent input is validated per action (422, nothing written); unknown artifacts are 404", async () => {
    const a = await create(member, { content: "x" });
    const before = (await as(member, "GET", `/proposals?artifact_id=${a.id}`)).body.total;
    const cases: [Record<string, unknown>, unknown[]][] = [
      [{ description: "x" }, ["body", "action"]],
      [{ action: "update", artifact_id: a.id, content: "y" }, ["body", "description"]],
      [{ action: "update", artifact_id: a.id, description: "no content" }, ["body", "content"]],
      [{ action: "create", description: "no name", content: "y" }, ["body", "name"]],
      [{ action: "create", name: "n", artifact_id: a.id, description: "d", content: "y" }, ["body", "artifact_id"]],
      [{ action: "rollback", artifact_id: a.id, description: "no version" }, ["body", "version"]],
      [{ action: "publish", artifact_id: a.id, description: "d", content: "y" }, ["body", "content"]],
      [{ action: "delete", artifact_id: a.id, description: "d" }, ["body", "action"]],
    ];
    for (const [body, loc] of cases) {
      const r = await as(member, "POST", "/proposals", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.detail[0].loc).toEqual(loc);
      if (body.action) {
        const i = await as(member, "POST", "/intents", body);
        expect(i.status, JSON.stringify(body)).toBe(422);
      }
    }
    expect((await as(member, "POST", "/intents", { action: "publish", artifact_id: crypto.randomUUID(), description: "d" })).status).toBe(
      404,
    );
    expect((await as(member, "GET", `/proposals?artifact_id=${a.id}`)).body.total).toBe(before);
    const intents = await tenant(ws, (db) => db.select().from(artifactIntents).where(eq(artifactIntents.artifactId, a.id)));
    expect(intents).toHaveLength(0);
  });

  it("viewers cannot propose or decide; admins and owners may approve their own proposals", async () => {
    const a = await create(admin, { content: { v: 1 } });
    expect((await as(viewer, "POST", "/proposals", { action: "publish", artifact_id: a.id, description: "d" })).status).toBe(403);
    expect((await as(viewer, "POST", "/intents", { action: "publish", artifact_id: a.id, description: "d" })).status).toBe(403);
    const p = await propose(admin, { action: "publish", artifact_id: a.id, description: "ship it" });
    expect((await as(viewer, "POST", `/proposals/${p.id}/reject`)).status).toBe(403);
    expect((await as(member, "POST", `/proposals/${p.id}/reject`)).status).toBe(403);
    expect((await as(admin, "POST", `/proposals/${p.id}/approve`)).status).toBe(200);
    expect((await as(viewer, "GET", `/proposals/${p.id}`)).body.status).toBe("approved");
  });
});

describe("self-approval", () => {
  it("a member granted can_approve_artifact_proposal approves others' proposals but not their own", async () => {
    const boss = await signup({ plan: "manager" });
    const [m1, m2] = await Promise.all([join(boss, "member"), join(boss, "member")]);
    const grant = await call("PATCH", "/api/v1/permissions/roles/member", {
      token: boss.token,
      workspace: boss.workspaceId,
      body: { permission: "can_approve_artifact_proposal", allowed: true },
    });
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    const here = (who: { token: string }, method: string, path: string, body?: unknown) =>
      call(method, `${A}${path}`, { token: who.token, workspace: boss.workspaceId, body });
    const a = (await here(m1, "POST", "/artifacts", { name: "shared", content: "v1" })).body;
    const p = (await here(m1, "POST", "/proposals", { action: "update", artifact_id: a.id, description: "d", content: "v2" })).body;
    const own = await here(m1, "POST", `/proposals/${p.id}/approve`);
    expect(own.status).toBe(403);
    expect(own.body.detail).toContain("own proposal");
    expect((await here(m2, "POST", `/proposals/${p.id}/approve`)).status).toBe(200);
    const p2 = (await here(m1, "POST", "/proposals", { action: "publish", artifact_id: a.id, description: "withdraw me" })).body;
    expect((await here(m1, "POST", `/proposals/${p2.id}/reject`, { comment: "withdrawn" })).body.status).toBe("rejected");
  });
});

const X = "0190c5b2-1111-7000-8000-000000000000";
describeSecurity("artifacts", [
  { method: "GET", path: `${A}/artifacts`, workspace: true },
  { method: "POST", path: `${A}/artifacts`, body: { name: "x", content: "x" }, workspace: true },
  { method: "GET", path: `${A}/artifacts/${X}`, workspace: true },
  { method: "GET", path: `${A}/artifacts/${X}/diff`, workspace: true },
  { method: "GET", path: `${A}/artifacts/${X}/history`, workspace: true },
  { method: "POST", path: `${A}/artifacts/${X}/versions`, body: { content: "x" }, workspace: true },
  { method: "POST", path: `${A}/artifacts/${X}/publish`, workspace: true },
  { method: "POST", path: `${A}/artifacts/${X}/rollback`, body: { version: 1 }, workspace: true },
  { method: "POST", path: `${A}/intents`, body: { action: "publish", artifact_id: X, description: "d" }, workspace: true },
  { method: "GET", path: `${A}/proposals`, workspace: true },
  { method: "POST", path: `${A}/proposals`, body: { action: "publish", artifact_id: X, description: "d" }, workspace: true },
  { method: "GET", path: `${A}/proposals/${X}`, workspace: true },
  { method: "POST", path: `${A}/proposals/${X}/approve`, workspace: true },
  { method: "POST", path: `${A}/proposals/${X}/reject`, workspace: true },
  { method: "POST", path: `${A}/proposals/${X}/execute`, workspace: true },
  { method: "POST", path: `${A}/executions/${X}/rollback`, workspace: true },
]);
