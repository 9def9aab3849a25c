import { eq } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { QueueMessage } from "../queues";
import { documentShares, documents, documentVersions } from "../src/modules/documents/tables";
import { signDownloadUrl } from "../src/platform/signed-urls";
import { call, databaseUrl, env, type Joined, join, randomIp, raw, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

// Documents beyond the core: metadata, delete, status, versions, links, relationships, linkable
// search, sharing (public links), stars, categories/stats, bulk upload with zips, /uploads.

let owner: SignedUp;
let member: Joined;
let viewer: Joined;
let outsider: SignedUp;
const ws = () => owner.workspaceId;
const tenantOf = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);
const tenant = <T>(f: Parameters<typeof withDb<T>>[1]) => withDb(tenantOf(ws()), f);
const as =
  (who: { token: string }, workspace = ws) =>
  (method: string, path: string, body?: unknown) =>
    call(method, path, { token: who.token, workspace: workspace(), ...(body !== undefined ? { body } : {}) });

let sent: QueueMessage[] = [];
beforeEach(() => {
  sent = [];
  vi.spyOn(env.IMPORTS_QUEUE, "send").mockImplementation(async (m: unknown) => {
    sent.push(m as QueueMessage);
    return undefined as never;
  });
});
const indexMessages = () =>
  sent.filter((m) => (m as { type: string }).type === "document.index") as unknown as { document_id: string; version: number }[];

function form(files: File[], fields: Record<string, string> = {}) {
  const f = new FormData();
  for (const file of files) f.append("file", file);
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

async function upload(who: { token: string }, name: string, text: string, fields: Record<string, string> = {}) {
  const r = await call("POST", "/api/v1/documents/upload", {
    token: who.token,
    workspace: ws(),
    raw: form([new File([text], name, { type: "text/plain" })], fields),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; title: string; storage_key?: string };
}

/** The current file's bytes as text, through the /file redirect and the signed download. */
async function fileText(who: { token: string }, id: string) {
  const redirect = await raw(`/api/v1/documents/${id}/file`, {
    headers: { authorization: `Bearer ${who.token}`, "x-workspace-id": ws() },
    redirect: "manual",
  });
  expect(redirect.status).toBe(302);
  const location = new URL(redirect.headers.get("location") as string);
  const got = await raw(location.pathname + location.search);
  expect(got.status).toBe(200);
  return got.text();
}

const rowOf = (id: string) => tenant(async (db) => (await db.select().from(documents).where(eq(documents.id, id)))[0]);

let publicChannel: { id: string; slug: string; name: string };
let privateChannel: { id: string; slug: string; name: string };
const stamp = Date.now().toString(36);

beforeAll(async () => {
  owner = await signup();
  [member, viewer, outsider] = await Promise.all([join(owner, "member"), join(owner, "viewer"), signup()]);
  const mk = async (name: string, isPrivate: boolean) => {
    const r = await as(owner)("POST", "/api/v1/channels", { name, is_private: isPrivate });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, slug: r.body.slug as string, name };
  };
  publicChannel = await mk(`lobby-${stamp}`, false);
  privateChannel = await mk(`vault-${stamp}`, true);
});

describe("metadata update", () => {
  it("changes only the fields sent; null clears", async () => {
    const d = await upload(owner, "brief.txt", "brief", { category: "ops", tags: "a,b", description: "first" });
    const r = await as(owner)("PUT", `/api/v1/documents/${d.id}`, { title: "Brief v2", tags: ["x", "y", "x"], description: null });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      id: d.id,
      title: "Brief v2",
      tags: ["x", "y"],
      description: null,
      category: "ops",
      file_name: "brief.txt",
    });
    const agent = crypto.randomUUID();
    const again = await as(owner)("PUT", `/api/v1/documents/${d.id}`, { agent_ids: [agent], category: null });
    expect(again.body).toMatchObject({ agent_ids: [agent], category: null, title: "Brief v2" });
  });

  it("bad input is a 422 in the platform shape and writes nothing", async () => {
    const d = await upload(owner, "keep.txt", "keep", { category: "legal" });
    const before = await rowOf(d.id);
    for (const [body, loc] of [
      [{}, ["body"]],
      [{ title: "" }, ["body", "title"]],
      [{ title: "ok", unknown_field: 1 }, ["body"]],
      [{ tags: "not-a-list" }, ["body", "tags"]],
      [{ folder_id: "nope" }, ["body", "folder_id"]],
      [{ agent_ids: ["x"] }, ["body", "agent_ids", 0]],
    ] as const) {
      const r = await as(owner)("PUT", `/api/v1/documents/${d.id}`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(r.body.detail[0].loc.slice(0, loc.length)).toEqual(loc);
    }
    expect(await rowOf(d.id)).toEqual(before);
  });

  it("the edit rule: viewers and members on others' documents are 403; members edit their own", async () => {
    const shared = await upload(owner, "shared.txt", "s", { entity_type: "channel", entity_id: publicChannel.id });
    expect((await as(viewer)("PUT", `/api/v1/documents/${shared.id}`, { title: "no" })).status).toBe(403);
    expect((await as(member)("PUT", `/api/v1/documents/${shared.id}`, { title: "no" })).status).toBe(403);
    const mine = await upload(member, "mine.txt", "m");
    expect((await as(member)("PUT", `/api/v1/documents/${mine.id}`, { title: "Mine" })).body.title).toBe("Mine");
    const hidden = await upload(owner, "hidden.txt", "h", { entity_type: "channel", entity_id: privateChannel.id });
    expect((await as(member)("PUT", `/api/v1/documents/${hidden.id}`, { title: "no" })).status).toBe(404);
  });
});

describe("delete and bulk delete", () => {
  it("deletes the row and every version's stored file; viewers cannot, members can delete their own", async () => {
    const d = await upload(member, "gone.txt", "v1", { entity_type: "channel", entity_id: publicChannel.id });
    const v2 = call("POST", `/api/v1/documents/${d.id}/versions`, {
      token: member.token,
      workspace: ws(),
      raw: form([new File(["v2"], "gone.txt")]),
    });
    expect((await v2).status).toBe(201);
    const keys = await tenant(async (db) =>
      (await db.select().from(documentVersions).where(eq(documentVersions.documentId, d.id))).map((v) => v.storageKey),
    );
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(await env.FILES.head(k)).not.toBeNull();
    expect((await as(viewer)("DELETE", `/api/v1/documents/${d.id}`)).status).toBe(403);
    expect((await as(member)("DELETE", `/api/v1/documents/${d.id}`)).status).toBe(204);
    for (const k of keys) expect(await env.FILES.head(k)).toBeNull();
    expect(await rowOf(d.id)).toBeUndefined();
    expect((await as(member)("GET", `/api/v1/documents/${d.id}`)).status).toBe(404);
    expect((await as(member)("DELETE", `/api/v1/documents/${d.id}`)).status).toBe(404);
  });

  it("bulk: a result per id; hidden and unknown ids are both not_found", async () => {
    const visibleToMember = await upload(owner, "a.txt", "a", { entity_type: "channel", entity_id: publicChannel.id });
    const hidden = await upload(owner, "b.txt", "b", { entity_type: "channel", entity_id: privateChannel.id });
    const own = await upload(member, "c.txt", "c");
    const unknown = crypto.randomUUID();
    const r = await as(member)("POST", "/api/v1/documents/bulk-delete", {
      document_ids: [visibleToMember.id, hidden.id, own.id, unknown, "not-a-uuid"],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.deleted_count).toBe(1);
    expect(r.body.failed_count).toBe(4);
    const status = Object.fromEntries(r.body.results.map((x: { document_id: string; status: string }) => [x.document_id, x.status]));
    expect(status).toEqual({
      [visibleToMember.id]: "forbidden",
      [hidden.id]: "not_found",
      [own.id]: "deleted",
      [unknown]: "not_found",
      "not-a-uuid": "not_found",
    });
    // The hidden document's answer is the unknown id's answer, word for word.
    const detail = (id: string) => r.body.results.find((x: { document_id: string }) => x.document_id === id).detail;
    expect(detail(hidden.id)).toBe(detail(unknown));
    expect(await rowOf(hidden.id)).toBeDefined();
    expect(await rowOf(own.id)).toBeUndefined();
    const viewerTry = await as(viewer)("POST", "/api/v1/documents/bulk-delete", { document_ids: [visibleToMember.id] });
    expect(viewerTry.body.results[0].status).toBe("forbidden");
    const ownerAll = await as(owner)("POST", "/api/v1/documents/bulk-delete", { document_ids: [visibleToMember.id, hidden.id] });
    expect(ownerAll.body.deleted_count).toBe(2);
    for (const bad of [{}, { document_ids: [] }, { document_ids: Array.from({ length: 201 }, () => crypto.randomUUID()) }]) {
      expect((await as(owner)("POST", "/api/v1/documents/bulk-delete", bad)).status).toBe(422);
    }
  });
});

describe("processing status", () => {
  it("admins set it; values are validated; error goes with failed", async () => {
    const d = await upload(member, "status.txt", "s");
    const set = (who: { token: string }, qs: string) => as(who)("PUT", `/api/v1/documents/${d.id}/status?${qs}`);
    expect((await set(owner, "status=processing")).body).toMatchObject({ status: "processing", status_error: null });
    expect((await set(owner, "status=failed&error=Unreadable%20PDF")).body).toMatchObject({
      status: "failed",
      status_error: "Unreadable PDF",
    });
    expect((await set(owner, "status=processed")).body).toMatchObject({ status: "processed", status_error: null });
    const bad = await set(owner, "status=done");
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["query", "status"]);
    expect((await set(owner, "")).status).toBe(422);
    const errWithoutFailed = await set(owner, "status=processing&error=x");
    expect(errWithoutFailed.status).toBe(422);
    expect(errWithoutFailed.body.detail[0].loc).toEqual(["query", "error"]);
    expect((await rowOf(d.id))?.status).toBe("processed");
    // Members may not set it, not even on their own document.
    expect((await set(member, "status=failed")).status).toBe(403);
    const hidden = await upload(owner, "hs.txt", "h", { entity_type: "channel", entity_id: privateChannel.id });
    expect((await as(member)("PUT", `/api/v1/documents/${hidden.id}/status?status=failed`)).status).toBe(404);
  });
});

describe("versions", () => {
  it("a new version becomes the current file and is queued for indexing; restore copies an old one as a new version", async () => {
    const d = await upload(member, "notes.txt", "first draft");
    sent = [];
    const v2 = await call("POST", `/api/v1/documents/${d.id}/versions`, {
      token: member.token,
      workspace: ws(),
      raw: form([new File(["second draft!"], "notes-v2.txt", { type: "text/plain" })], { change_note: "Edits" }),
    });
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(v2.body.version).toMatchObject({
      version_number: 2,
      is_current: true,
      change_note: "Edits",
      file_name: "notes-v2.txt",
      size_bytes: 13,
    });
    expect(v2.body.document).toMatchObject({ current_version: 2, file_name: "notes-v2.txt", size_bytes: 13, index_status: "queued" });
    expect(indexMessages()).toEqual([expect.objectContaining({ document_id: d.id, version: 2 })]);
    expect(await fileText(member, d.id)).toBe("second draft!");

    const list = await as(viewer)("GET", `/api/v1/documents/${d.id}/versions`);
    expect(list.status).toBe(404); // the viewer cannot see a member's unlinked document
    const mine = await as(member)("GET", `/api/v1/documents/${d.id}/versions`);
    expect(mine.body.current_version).toBe(2);
    expect(mine.body.versions.map((v: { version_number: number }) => v.version_number)).toEqual([2, 1]);
    expect(mine.body.versions[1]).toMatchObject({ uploaded_by_name: "A member", is_current: false, file_name: "notes.txt" });
    const old = await raw(new URL(mine.body.versions[1].url).pathname + new URL(mine.body.versions[1].url).search);
    expect(await old.text()).toBe("first draft");

    sent = [];
    const restored = await as(member)("POST", `/api/v1/documents/${d.id}/versions/1/restore`);
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.version).toMatchObject({ version_number: 3, restored_from_version: 1, file_name: "notes.txt", size_bytes: 11 });
    expect(restored.body.document.current_version).toBe(3);
    expect(indexMessages()).toEqual([expect.objectContaining({ document_id: d.id, version: 3 })]);
    expect(await fileText(member, d.id)).toBe("first draft");
    const rows = await tenant((db) => db.select().from(documentVersions).where(eq(documentVersions.documentId, d.id)));
    // Each version owns its own object: the restore is a copy, not a second pointer.
    expect(new Set(rows.map((r) => r.storageKey)).size).toBe(3);
    expect(rows.find((r) => r.versionNumber === 3)?.sha256).toBe(rows.find((r) => r.versionNumber === 1)?.sha256);

    expect((await as(member)("POST", `/api/v1/documents/${d.id}/versions/3/restore`)).status).toBe(409);
    expect((await as(member)("POST", `/api/v1/documents/${d.id}/versions/99/restore`)).status).toBe(404);
    expect((await as(member)("POST", `/api/v1/documents/${d.id}/versions/zero/restore`)).status).toBe(422);
  });

  it("bad uploads write nothing; viewers cannot add versions", async () => {
    const d = await upload(owner, "v.txt", "v", { entity_type: "channel", entity_id: publicChannel.id });
    sent = [];
    const post = (who: { token: string }, f: FormData) =>
      call("POST", `/api/v1/documents/${d.id}/versions`, { token: who.token, workspace: ws(), raw: f });
    const none = await post(owner, form([], { change_note: "no file" }));
    expect(none.status).toBe(422);
    expect(none.body.detail[0].loc).toEqual(["body", "file"]);
    expect((await post(owner, form([new File([""], "empty.txt")]))).status).toBe(422);
    const longNote = await post(owner, form([new File(["x"], "x.txt")], { change_note: "n".repeat(1001) }));
    expect(longNote.status).toBe(422);
    expect(longNote.body.detail[0].loc).toEqual(["body", "change_note"]);
    expect((await post(viewer, form([new File(["x"], "x.txt")]))).status).toBe(403);
    expect((await post(member, form([new File(["x"], "x.txt")]))).status).toBe(403);
    expect((await rowOf(d.id))?.currentVersion).toBe(1);
    const objects = await env.FILES.list({ prefix: `documents/${d.id}/` });
    expect(objects.objects).toHaveLength(1);
    expect(indexMessages()).toHaveLength(0);
  });
});

describe("isolation", () => {
  it("another workspace's document ids are 404 on every route, from that workspace", async () => {
    const d = await upload(owner, "iso.txt", "iso", { entity_type: "channel", entity_id: publicChannel.id });
    const link = await as(owner)("POST", `/api/v1/documents/${d.id}/links`, { entity_type: "member", entity_id: member.memberId });
    const rel = await as(owner)("POST", `/api/v1/documents/${d.id}/relationships`, {
      relationships: [{ target_type: "channel", target_id: publicChannel.id }],
    });
    const theirs = as(outsider, () => outsider.workspaceId);
    const upload2 = await call("POST", `/api/v1/documents/${d.id}/versions`, {
      token: outsider.token,
      workspace: outsider.workspaceId,
      raw: form([new File(["x"], "x.txt")]),
    });
    expect(upload2.status).toBe(404);
    for (const [method, path, body] of [
      ["GET", `/api/v1/documents/${d.id}`],
      ["PUT", `/api/v1/documents/${d.id}`, { title: "mine now" }],
      ["DELETE", `/api/v1/documents/${d.id}`],
      ["GET", `/api/v1/documents/${d.id}/file`],
      ["GET", `/api/v1/documents/${d.id}/signed-url`],
      ["PUT", `/api/v1/documents/${d.id}/status?status=failed`],
      ["GET", `/api/v1/documents/${d.id}/versions`],
      ["POST", `/api/v1/documents/${d.id}/versions/1/restore`],
      ["GET", `/api/v1/documents/${d.id}/links`],
      ["POST", `/api/v1/documents/${d.id}/links`, { entity_type: "member", entity_id: member.memberId }],
      ["DELETE", `/api/v1/documents/${d.id}/links/${link.body.id}`],
      ["GET", `/api/v1/documents/${d.id}/relationships`],
      ["POST", `/api/v1/documents/${d.id}/relationships`, { relationships: [{ target_type: "channel", target_id: publicChannel.id }] }],
      ["DELETE", `/api/v1/documents/${d.id}/relationships/${rel.body.relationships[0].id}`],
      ["POST", `/api/v1/documents/${d.id}/share`, { share_type: "public" }],
      ["DELETE", `/api/v1/documents/${d.id}/share`],
      ["POST", `/api/v1/documents/${d.id}/star`],
      ["GET", `/api/v1/documents/entity/channel/${publicChannel.id}`],
      ["GET", `/api/v1/documents/linkable-entities?query=iso&exclude_document_id=${d.id}`],
    ] as const) {
      const r = await theirs(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    const bulk = await theirs("POST", "/api/v1/documents/bulk-delete", { document_ids: [d.id] });
    expect(bulk.body.results[0].status).toBe("not_found");
    expect((await theirs("GET", "/api/v1/documents/stats")).body.total_documents).toBe(0);
    expect((await theirs("GET", "/api/v1/documents/categories")).body.categories).toEqual([]);
    expect((await theirs("GET", "/api/v1/documents/linkable-entities?query=iso")).body.total).toBe(0);
    expect(await rowOf(d.id)).toMatchObject({ title: "iso.txt", currentVersion: 1 });
    expect((await as(owner)("GET", `/api/v1/documents/${d.id}/links`)).body).toHaveLength(2);
  });
});

describe("links and the reverse lookup", () => {
  it("links to visible entities with names; hidden targets keep their names to themselves", async () => {
    const d = await upload(owner, "linked.txt", "l", { entity_type: "channel", entity_id: publicChannel.id });
    const toPrivate = await as(owner)("POST", `/api/v1/documents/${d.id}/links`, {
      entity_type: "channel",
      entity_id: privateChannel.id,
      note: "also here",
    });
    expect(toPrivate.status, JSON.stringify(toPrivate.body)).toBe(201);
    expect(toPrivate.body).toMatchObject({
      entity_type: "channel",
      entity_id: privateChannel.id,
      entity_name: privateChannel.name,
      is_primary: false,
      note: "also here",
    });
    const again = await as(owner)("POST", `/api/v1/documents/${d.id}/links`, { entity_type: "channel", entity_id: privateChannel.id });
    expect(again.body.id).toBe(toPrivate.body.id);
    const toMember = await as(owner)("POST", `/api/v1/documents/${d.id}/links`, { entity_type: "member", entity_id: member.memberId });
    expect(toMember.body.entity_name).toBe("A member");

    const mine = await as(owner)("GET", `/api/v1/documents/${d.id}/links`);
    expect(mine.body.map((l: { entity_name: string }) => l.entity_name)).toEqual([publicChannel.name, privateChannel.name, "A member"]);
    expect(mine.body[0]).toMatchObject({ is_primary: true, entity_url: `/api/v1/channels/${publicChannel.slug}`, accessible: true });
    // The viewer sees the document (public channel) but not the private channel: no name, no path.
    const theirs = await as(viewer)("GET", `/api/v1/documents/${d.id}/links`);
    const hidden = theirs.body.find((l: { entity_id: string }) => l.entity_id === privateChannel.id);
    expect(hidden).toMatchObject({ entity_name: null, entity_url: null, accessible: false });

    expect((await as(owner)("DELETE", `/api/v1/documents/${d.id}/links/${mine.body[0].id}`)).status).toBe(409);
    expect((await as(viewer)("DELETE", `/api/v1/documents/${d.id}/links/${toPrivate.body.id}`)).status).toBe(403);
    const del = await as(owner)("DELETE", `/api/v1/documents/${d.id}/links/${toPrivate.body.id}`);
    expect(del.status).toBe(200);
    expect((await as(owner)("DELETE", `/api/v1/documents/${d.id}/links/${toPrivate.body.id}`)).status).toBe(404);
    expect((await as(owner)("DELETE", `/api/v1/documents/${d.id}/links/nope`)).status).toBe(404);
  });

  it("names tasks, records and recordsets for those who see them", async () => {
    const o = as(owner);
    const task = await o("POST", "/api/v1/tasks", { title: `Owner task ${stamp}` });
    const rs = await o("POST", "/api/v1/recordsets", {
      name: `Accounts ${stamp}`,
      fields: [{ key: "name", name: "Name", type: "text", is_primary: true }],
    });
    const rec = await o("POST", "/api/v1/records", { recordset_id: rs.body.id, field_values: { name: "Acme" } });
    expect([task.status, rs.status, rec.status]).toEqual([201, 201, 201]);
    const d = await upload(owner, "kinds.txt", "k", { entity_type: "channel", entity_id: publicChannel.id });
    for (const [entity_type, entity_id] of [
      ["task", task.body.id],
      ["recordset", rs.body.id],
      ["record", rec.body.id],
    ]) {
      expect((await o("POST", `/api/v1/documents/${d.id}/links`, { entity_type, entity_id })).status).toBe(201);
    }
    const names = (body: { entity_type: string; entity_name: string | null }[]) =>
      Object.fromEntries(body.map((l) => [l.entity_type, l.entity_name]));
    expect(names((await o("GET", `/api/v1/documents/${d.id}/links`)).body)).toEqual({
      channel: publicChannel.name,
      task: `Owner task ${stamp}`,
      recordset: `Accounts ${stamp}`,
      record: rec.body.title ?? "Acme",
    });
    // The member sees the document through the public channel, but not the owner's standalone task nor the recordset.
    expect(names((await as(member)("GET", `/api/v1/documents/${d.id}/links`)).body)).toEqual({
      channel: publicChannel.name,
      task: null,
      recordset: null,
      record: null,
    });
  });

  it("a target that does not exist or is hidden is a 422 on entity_id and writes nothing; the edit rule applies", async () => {
    const d = await upload(member, "m.txt", "m");
    for (const target of [
      { entity_type: "channel", entity_id: privateChannel.id },
      { entity_type: "channel", entity_id: crypto.randomUUID() },
      { entity_type: "goal", entity_id: crypto.randomUUID() },
    ]) {
      const r = await as(member)("POST", `/api/v1/documents/${d.id}/links`, target);
      expect(r.status, JSON.stringify(target)).toBe(422);
      expect(r.body.detail[0].loc).toEqual(["body", "entity_id"]);
    }
    expect(
      (await as(member)("POST", `/api/v1/documents/${d.id}/links`, { entity_type: "planet", entity_id: crypto.randomUUID() })).status,
    ).toBe(422);
    expect((await as(member)("POST", `/api/v1/documents/${d.id}/links`, { entity_type: "channel", entity_id: "x" })).status).toBe(422);
    expect((await as(member)("GET", `/api/v1/documents/${d.id}/links`)).body).toEqual([]);
    const shared = await upload(owner, "o.txt", "o", { entity_type: "channel", entity_id: publicChannel.id });
    expect(
      (await as(member)("POST", `/api/v1/documents/${shared.id}/links`, { entity_type: "member", entity_id: member.memberId })).status,
    ).toBe(403);
  });

  it("reverse lookup lists only the documents the caller can see, for an entity they can see", async () => {
    const goal = await as(owner)("POST", "/api/v1/goals", { title: `Goal ${stamp}` });
    expect(goal.status, JSON.stringify(goal.body)).toBe(201);
    const open = await upload(owner, "g1.txt", "1", { entity_type: "goal", entity_id: goal.body.id });
    const secret = await upload(owner, "g2.txt", "2", { entity_type: "channel", entity_id: privateChannel.id });
    await as(owner)("POST", `/api/v1/documents/${secret.id}/links`, { entity_type: "goal", entity_id: goal.body.id });
    const ownerView = await as(owner)("GET", `/api/v1/documents/entity/goal/${goal.body.id}`);
    expect(ownerView.status, JSON.stringify(ownerView.body)).toBe(200);
    expect(ownerView.body).toMatchObject({ entity_type: "goal", entity_name: `Goal ${stamp}`, total: 2 });
    expect(ownerView.body.items.map((i: { id: string }) => i.id).sort()).toEqual([open.id, secret.id].sort());
    expect(ownerView.body.items.find((i: { id: string }) => i.id === open.id).link.is_primary).toBe(true);
    // Linked only to the private channel: hidden from the member, in the lookup as everywhere.
    const hiddenOnly = await upload(owner, "g3.txt", "3", { entity_type: "channel", entity_id: privateChannel.id });
    const memberView = await as(member)("GET", `/api/v1/documents/entity/channel/${privateChannel.id}`);
    expect(memberView.status).toBe(404);
    const pub = await as(member)("GET", `/api/v1/documents/entity/channel/${publicChannel.id}?limit=100`);
    expect(pub.status).toBe(200);
    expect(pub.body.items.some((i: { id: string }) => i.id === hiddenOnly.id)).toBe(false);
    expect((await as(owner)("GET", `/api/v1/documents/entity/goal/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await as(owner)("GET", `/api/v1/documents/entity/planet/${goal.body.id}`)).status).toBe(422);
    expect((await as(owner)("GET", `/api/v1/documents/entity/goal/${goal.body.id}?limit=1000`)).status).toBe(422);
    const page = await as(owner)("GET", `/api/v1/documents/entity/goal/${goal.body.id}?limit=1&skip=1`);
    expect(page.body).toMatchObject({ total: 2, skip: 1, limit: 1 });
    expect(page.body.items).toHaveLength(1);
  });
});

describe("linkable entities", () => {
  it("searches what the caller can see, grouped by type, leaving out what is already linked", async () => {
    const all = await as(owner)("GET", `/api/v1/documents/linkable-entities?query=${stamp}`);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(Object.keys(all.body.results).sort()).toEqual(["channel", "document", "goal", "member", "record", "recordset", "task"]);
    expect(all.body.results.channel.map((c: { id: string }) => c.id).sort()).toEqual([publicChannel.id, privateChannel.id].sort());
    const theirs = await as(member)("GET", `/api/v1/documents/linkable-entities?query=${stamp}&entity_type=channel`);
    expect(Object.keys(theirs.body.results)).toEqual(["channel"]);
    expect(theirs.body.results.channel.map((c: { id: string }) => c.id)).toEqual([publicChannel.id]);
    expect(theirs.body.results.channel[0]).toMatchObject({
      name: publicChannel.name,
      type: "channel",
      url: `/api/v1/channels/${publicChannel.slug}`,
    });

    const d = await upload(owner, `findme-${stamp}.txt`, "f", { entity_type: "channel", entity_id: publicChannel.id });
    const excluding = await as(owner)("GET", `/api/v1/documents/linkable-entities?query=${stamp}&exclude_document_id=${d.id}`);
    expect(excluding.body.results.channel.map((c: { id: string }) => c.id)).toEqual([privateChannel.id]);
    expect(excluding.body.results.document.some((x: { id: string }) => x.id === d.id)).toBe(false);
    const docs = await as(owner)("GET", `/api/v1/documents/linkable-entities?query=findme-${stamp}&entity_type=document`);
    expect(docs.body.results.document.map((x: { id: string }) => x.id)).toEqual([d.id]);
    // Wildcards are literal text.
    expect((await as(owner)("GET", "/api/v1/documents/linkable-entities?query=%25")).body.total).toBe(0);
    expect((await as(owner)("GET", "/api/v1/documents/linkable-entities")).status).toBe(422);
    expect((await as(owner)("GET", "/api/v1/documents/linkable-entities?query=a&limit=51")).status).toBe(422);
    expect((await as(owner)("GET", "/api/v1/documents/linkable-entities?query=a&entity_type=planet")).status).toBe(422);
    expect((await as(member)("GET", `/api/v1/documents/linkable-entities?query=a&exclude_document_id=${crypto.randomUUID()}`)).status).toBe(
      404,
    );
  });
});

describe("saved relationships", () => {
  it("saves several at once, idempotently, to visible targets only", async () => {
    const d = await upload(owner, "rel.txt", "r", { entity_type: "channel", entity_id: publicChannel.id });
    const other = await upload(owner, "other.txt", "o", { entity_type: "channel", entity_id: publicChannel.id });
    const body = {
      relationships: [
        {
          target_type: "document",
          target_id: other.id,
          relationship_type: "references",
          confidence: 0.9,
          reason: "cites it",
          source: "ai",
        },
        { target_type: "channel", target_id: privateChannel.id },
      ],
    };
    const saved = await as(owner)("POST", `/api/v1/documents/${d.id}/relationships`, body);
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body.count).toBe(2);
    expect(saved.body.relationships).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          target_type: "document",
          target_id: other.id,
          target_name: "other.txt",
          relationship_type: "references",
          confidence: 0.9,
          source: "ai",
        }),
        expect.objectContaining({
          target_type: "channel",
          target_id: privateChannel.id,
          target_name: privateChannel.name,
          relationship_type: "related",
          source: "manual",
        }),
      ]),
    );
    const again = await as(owner)("POST", `/api/v1/documents/${d.id}/relationships`, body);
    expect(again.body.relationships.map((r: { id: string }) => r.id).sort()).toEqual(
      saved.body.relationships.map((r: { id: string }) => r.id).sort(),
    );
    const list = await as(viewer)("GET", `/api/v1/documents/${d.id}/relationships`);
    expect(list.body).toHaveLength(2);
    expect(list.body.find((r: { target_type: string }) => r.target_type === "channel")).toMatchObject({
      target_name: null,
      accessible: false,
    });

    for (const bad of [
      { relationships: [{ target_type: "document", target_id: d.id }] },
      { relationships: [{ target_type: "goal", target_id: crypto.randomUUID() }] },
      { relationships: [] },
      { relationships: [{ target_type: "channel", target_id: publicChannel.id, relationship_type: "Has Spaces" }] },
      { relationships: [{ target_type: "channel", target_id: publicChannel.id, confidence: 2 }] },
    ]) {
      expect((await as(owner)("POST", `/api/v1/documents/${d.id}/relationships`, bad)).status, JSON.stringify(bad)).toBe(422);
    }
    // One hidden target in the batch: nothing of it is saved.
    const mixed = await as(member)("POST", `/api/v1/documents/${(await upload(member, "mm.txt", "m")).id}/relationships`, {
      relationships: [
        { target_type: "channel", target_id: publicChannel.id },
        { target_type: "channel", target_id: privateChannel.id },
      ],
    });
    expect(mixed.status).toBe(422);
    expect(mixed.body.detail[0].loc).toEqual(["body", "relationships", 1, "target_id"]);
    expect(
      (
        await as(viewer)("POST", `/api/v1/documents/${d.id}/relationships`, {
          relationships: [{ target_type: "document", target_id: other.id }],
        })
      ).status,
    ).toBe(403);

    const id = saved.body.relationships[0].id;
    expect((await as(viewer)("DELETE", `/api/v1/documents/${d.id}/relationships/${id}`)).status).toBe(403);
    expect((await as(owner)("DELETE", `/api/v1/documents/${d.id}/relationships/${id}`)).status).toBe(204);
    expect((await as(owner)("DELETE", `/api/v1/documents/${d.id}/relationships/${id}`)).status).toBe(404);
    expect((await as(owner)("GET", `/api/v1/documents/${d.id}/relationships`)).body).toHaveLength(1);
  });
});

describe("share links", () => {
  const publicGet = (path: string, ip?: string) =>
    raw(path, { redirect: "manual", ...(ip ? { headers: { "cf-connecting-ip": ip } } : {}) });

  it("a public link reads exactly the document's current file, anonymously; metadata is safe fields only", async () => {
    const d = await upload(owner, "board.txt", "board pack", {
      description: "secret plans",
      tags: "confidential",
      entity_type: "channel",
      entity_id: privateChannel.id,
    });
    const share = await as(owner)("POST", `/api/v1/documents/${d.id}/share`, { share_type: "public", expires_in_hours: 24 });
    expect(share.status, JSON.stringify(share.body)).toBe(200);
    expect(share.body).toMatchObject({ document_id: d.id, share_type: "public" });
    const url = new URL(share.body.url);
    expect(url.pathname).toMatch(new RegExp(`^/api/v1/documents/public/${ws()}/[A-Za-z0-9_-]{43}$`));
    const token = url.pathname.split("/").pop() as string;
    // Only the hash is stored.
    const stored = await tenant((db) => db.select().from(documentShares).where(eq(documentShares.documentId, d.id)));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).not.toContain(token);
    expect(stored[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    const res = await publicGet(url.pathname);
    expect(res.status).toBe(302);
    expect(res.headers.get("x-ratelimit-limit")).not.toBeNull();
    const location = new URL(res.headers.get("location") as string);
    expect(location.pathname).toBe("/api/v1/files/download");
    expect(Number(location.searchParams.get("exp")) * 1000 - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);
    expect(await (await raw(location.pathname + location.search)).text()).toBe("board pack");

    const meta = await call("GET", `${url.pathname}?metadata=true`);
    expect(meta.status).toBe(200);
    expect(Object.keys(meta.body).sort()).toEqual(
      ["content_type", "download_url", "file_name", "id", "share_expires_at", "size_bytes", "title", "updated_at", "version"].sort(),
    );
    expect(meta.body).toMatchObject({ id: d.id, title: "board.txt", file_name: "board.txt", size_bytes: 10, version: 1 });

    // A new version: the same link now reads the new file.
    await call("POST", `/api/v1/documents/${d.id}/versions`, {
      token: owner.token,
      workspace: ws(),
      raw: form([new File(["board pack v2"], "board.txt")]),
    });
    const next = new URL((await publicGet(url.pathname)).headers.get("location") as string);
    expect(await (await raw(next.pathname + next.search)).text()).toBe("board pack v2");

    // Another workspace's id with this token, a wrong token, a malformed one: all the same 404.
    const wrongs = [
      `/api/v1/documents/public/${outsider.workspaceId}/${token}`,
      `/api/v1/documents/public/${crypto.randomUUID()}/${token}`,
      `/api/v1/documents/public/not-a-workspace/${token}`,
      `/api/v1/documents/public/${ws()}/${token.slice(0, -1)}A`,
      `/api/v1/documents/public/${ws()}/short`,
    ];
    for (const p of wrongs) {
      const r = await call("GET", p);
      expect(r.status, p).toBe(404);
      expect(r.body.detail).toBe("Shared document not found");
    }

    expect((await as(owner)("DELETE", `/api/v1/documents/${d.id}/share`)).status).toBe(204);
    expect((await publicGet(url.pathname)).status).toBe(404);
    expect((await call("GET", `${url.pathname}?metadata=true`)).status).toBe(404);
  });

  it("expired links are 404; only editors share publicly; internal links need sign-in", async () => {
    const d = await upload(owner, "exp.txt", "e", { entity_type: "channel", entity_id: publicChannel.id });
    const share = await as(owner)("POST", `/api/v1/documents/${d.id}/share`, { expires_in_hours: 1 });
    const path = new URL(share.body.url).pathname;
    expect((await publicGet(path)).status).toBe(302);
    await tenant((db) =>
      db
        .update(documentShares)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(documentShares.documentId, d.id)),
    );
    expect((await publicGet(path)).status).toBe(404);

    expect((await as(viewer)("POST", `/api/v1/documents/${d.id}/share`, { share_type: "public" })).status).toBe(403);
    expect((await as(member)("POST", `/api/v1/documents/${d.id}/share`, { share_type: "public" })).status).toBe(403);
    expect((await as(viewer)("DELETE", `/api/v1/documents/${d.id}/share`)).status).toBe(403);
    const internal = await as(viewer)("POST", `/api/v1/documents/${d.id}/share`, { share_type: "internal" });
    expect(internal.status).toBe(200);
    expect(internal.body).toMatchObject({ id: null, share_type: "internal", url: `http://atrium.test/api/v1/documents/${d.id}` });
    expect((await raw(new URL(internal.body.url).pathname)).status).toBe(401);

    const meta = await as(owner)("POST", "/api/v1/documents", { title: "No file here" });
    const noFile = await as(owner)("POST", `/api/v1/documents/${meta.body.id}/share`, {});
    expect(noFile.status).toBe(422);
    for (const bad of [{ share_type: "world" }, { expires_in_hours: 0 }, { expires_in_hours: 24 * 366 }, { foo: 1 }]) {
      expect((await as(owner)("POST", `/api/v1/documents/${d.id}/share`, bad)).status, JSON.stringify(bad)).toBe(422);
    }
    expect(await tenant((db) => db.select().from(documentShares).where(eq(documentShares.documentId, meta.body.id)))).toEqual([]);
  });

  it("request logs do not show the token", async () => {
    const log = vi.spyOn(console, "log");
    const d = await upload(owner, "logged.txt", "l");
    const path = new URL((await as(owner)("POST", `/api/v1/documents/${d.id}/share`, {})).body.url).pathname;
    const token = path.split("/").pop() as string;
    expect((await publicGet(path)).status).toBe(302);
    const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('"msg":"request"'));
    expect(lines.some((l) => l.includes(`"path":"/api/v1/documents/public/${ws()}/[redacted]"`))).toBe(true);
    expect(lines.join("\n")).not.toContain(token);
    log.mockRestore();
  });

  it("a deleted document's link is dead", async () => {
    const d = await upload(owner, "del.txt", "d");
    const path = new URL((await as(owner)("POST", `/api/v1/documents/${d.id}/share`, {})).body.url).pathname;
    expect((await as(owner)("DELETE", `/api/v1/documents/${d.id}`)).status).toBe(204);
    expect((await publicGet(path)).status).toBe(404);
  });
});

describe("/uploads/{path}", () => {
  it("streams a document object only with a valid, unexpired signature; anything else is 404", async () => {
    const d = await upload(owner, "up.txt", "uploaded bytes", { entity_type: "channel", entity_id: publicChannel.id });
    const key = `documents/${d.id}/v1/up.txt`;
    const signed = new URL((await signDownloadUrl({ secret: env.SIGNING_KEY, baseUrl: env.API_URL, key, ttlSeconds: 60 })).url);
    const at = (k: string, exp: string | null, sig: string | null) => raw(`/api/v1/uploads/${encodeURIComponent(k)}?exp=${exp}&sig=${sig}`);
    const ok = await at(key, signed.searchParams.get("exp"), signed.searchParams.get("sig"));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-ratelimit-limit")).not.toBeNull();
    expect(ok.headers.get("content-security-policy")).toContain("sandbox");
    expect(await ok.text()).toBe("uploaded bytes");
    const expired = new URL(
      (await signDownloadUrl({ secret: env.SIGNING_KEY, baseUrl: env.API_URL, key, ttlSeconds: 60 }, Date.now() - 3600_000)).url,
    );
    expect((await at(key, expired.searchParams.get("exp"), expired.searchParams.get("sig"))).status).toBe(404);
    expect((await at(key, signed.searchParams.get("exp"), "AAAA")).status).toBe(404);
    expect((await at(`documents/${d.id}/v1/other.txt`, signed.searchParams.get("exp"), signed.searchParams.get("sig"))).status).toBe(404);
    // A validly signed key outside documents/ is not served here.
    const foreign = new URL(
      (await signDownloadUrl({ secret: env.SIGNING_KEY, baseUrl: env.API_URL, key: "imports/x/y.csv", ttlSeconds: 60 })).url,
    );
    expect((await at("imports/x/y.csv", foreign.searchParams.get("exp"), foreign.searchParams.get("sig"))).status).toBe(404);
    expect((await raw(`/api/v1/uploads/${encodeURIComponent(key)}`)).status).toBe(422);
  });
});

describe("stars, categories and stats", () => {
  it("star toggles per member", async () => {
    const d = await upload(owner, "star.txt", "s", { entity_type: "channel", entity_id: publicChannel.id });
    expect((await as(owner)("POST", `/api/v1/documents/${d.id}/star`)).body).toEqual({ document_id: d.id, starred: true });
    expect((await as(viewer)("POST", `/api/v1/documents/${d.id}/star`)).body).toEqual({ document_id: d.id, starred: true });
    expect((await as(owner)("GET", `/api/v1/documents/${d.id}`)).body.is_starred).toBe(true);
    expect((await as(owner)("POST", `/api/v1/documents/${d.id}/star`)).body.starred).toBe(false);
    expect((await as(owner)("GET", `/api/v1/documents/${d.id}`)).body.is_starred).toBe(false);
    expect((await as(viewer)("GET", `/api/v1/documents/${d.id}`)).body.is_starred).toBe(true);
    const hidden = await upload(owner, "hs.txt", "h", { entity_type: "channel", entity_id: privateChannel.id });
    expect((await as(member)("POST", `/api/v1/documents/${hidden.id}/star`)).status).toBe(404);
  });

  it("count only the documents the caller can see", async () => {
    // A workspace of its own, so the counts are exact.
    const boss = await signup();
    const staff = await join(boss, "member");
    const bossAs = as(boss, () => boss.workspaceId);
    const staffAs = as(staff, () => boss.workspaceId);
    const channel = await bossAs("POST", "/api/v1/channels", { name: `stats-${stamp}`, is_private: true });
    const put = (who: { token: string }, name: string, text: string, fields: Record<string, string>) =>
      call("POST", "/api/v1/documents/upload", {
        token: who.token,
        workspace: boss.workspaceId,
        raw: form([new File([text], name, { type: "text/plain" })], fields),
      });
    const a = await put(boss, "a.txt", "aaaa", { category: "legal" });
    await put(boss, "b.pdf", "bb", { category: "legal", entity_type: "channel", entity_id: channel.body.id });
    await put(staff, "c.txt", "c", { category: "finance" });
    await put(staff, "d.txt", "dddddd", {});
    await bossAs("PUT", `/api/v1/documents/${a.body.id}/status?status=failed&error=x`);
    await bossAs("POST", `/api/v1/documents/${a.body.id}/star`);

    const cats = await bossAs("GET", "/api/v1/documents/categories");
    expect(cats.body).toEqual({
      categories: ["legal", "finance"],
      counts: [
        { category: "legal", count: 2 },
        { category: "finance", count: 1 },
      ],
    });
    expect((await staffAs("GET", "/api/v1/documents/categories")).body.counts).toEqual([{ category: "finance", count: 1 }]);

    const all = await bossAs("GET", "/api/v1/documents/stats");
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      total_documents: 4,
      total_size_bytes: 13,
      starred_by_me: 1,
      recent_count: 4,
      by_status: { uploaded: 3, failed: 1 },
      by_category: { legal: 2, finance: 1, none: 1 },
    });
    expect(all.body.by_content_type).toEqual({ "text/plain": 4 });
    expect(all.body.recent).toHaveLength(4);
    const mine = await staffAs("GET", "/api/v1/documents/stats");
    expect(mine.body).toMatchObject({
      total_documents: 2,
      total_size_bytes: 7,
      starred_by_me: 0,
      by_category: { finance: 1, none: 1 },
      by_status: { uploaded: 2 },
    });
    expect(mine.body.recent.map((r: { title: string }) => r.title).sort()).toEqual(["c.txt", "d.txt"]);
  });
});

// ---- zip archives built by hand, so names and flags can be hostile --------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Uint8Array) {
  let c = 0xffffffff;
  for (const x of b) c = (CRC_TABLE[(c ^ x) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface ZipEntry {
  name: string;
  data?: Uint8Array;
  /** Deflated bytes (method 8) with the true size and CRC given. */
  deflated?: { bytes: Uint8Array; size: number; crc: number };
  flags?: number;
}

/** A zip archive (stored or deflated entries, no extras) from parts. */
function zipOf(entries: ZipEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = enc.encode(e.name);
    const data = e.deflated?.bytes ?? e.data ?? new Uint8Array(0);
    const size = e.deflated?.size ?? data.length;
    const crc = e.deflated?.crc ?? crc32(data);
    const method = e.deflated ? 8 : 0;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, e.flags ?? 0, true);
    local.setUint16(8, method, true);
    local.setUint16(12, 0x21, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, data.length, true);
    local.setUint32(22, size, true);
    local.setUint16(26, name.length, true);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(8, e.flags ?? 0, true);
    central.setUint16(10, method, true);
    central.setUint16(14, 0x21, true);
    central.setUint32(16, crc, true);
    central.setUint32(20, data.length, true);
    central.setUint32(24, size, true);
    central.setUint16(28, name.length, true);
    central.setUint32(38, e.name.endsWith("/") ? 0x10 : 0, true);
    central.setUint32(42, offset, true);
    locals.push(new Uint8Array(local.buffer), name, data);
    centrals.push(new Uint8Array(central.buffer), name);
    offset += 30 + name.length + data.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, cdSize, true);
  end.setUint32(16, offset, true);
  const parts = [...locals, ...centrals, new Uint8Array(end.buffer)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `size` zero bytes, deflated (a few hundred KB for hundreds of MB). */
async function deflatedZeros(size: number) {
  const chunk = new Uint8Array(1024 * 1024);
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      const left = size - (this as unknown as { sent: number }).sent;
      if (left <= 0) return c.close();
      const n = Math.min(left, chunk.length);
      (this as unknown as { sent: number }).sent += n;
      c.enqueue(chunk.subarray(0, n));
    },
    ...{ sent: 0 },
  }).pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("bulk upload", () => {
  const bulk = (who: { token: string }, f: FormData) =>
    call("POST", "/api/v1/documents/upload/bulk", { token: who.token, workspace: ws(), raw: f });
  const text = (s: string) => new TextEncoder().encode(s);

  it("plain files and a zip's entries each become a document; junk is ignored and unsafe paths refused", async () => {
    const archive = zipOf([
      { name: "docs/", data: new Uint8Array(0) },
      { name: "docs/a.txt", data: text("alpha") },
      { name: "docs/sub/b.md", data: text("# beta") },
      { name: "__MACOSX/docs/._a.txt", data: text("junk") },
      { name: "docs/.DS_Store", data: text("junk") },
      { name: "../evil.txt", data: text("evil") },
      { name: "/etc/passwd", data: text("root") },
      { name: "docs/empty.txt", data: new Uint8Array(0) },
    ]);
    const r = await bulk(
      owner,
      form(
        [
          new File(["one"], "one.txt", { type: "text/plain" }),
          new File([archive], "pack.zip", { type: "application/zip" }),
          new File(["two"], "two.csv"),
        ],
        { category: "imported", tags: "bulk", entity_type: "channel", entity_id: publicChannel.id },
      ),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const byName = Object.fromEntries(r.body.results.map((x: { file_name: string }) => [x.file_name, x]));
    expect(r.body.results, JSON.stringify(r.body.results)).toHaveLength(7);
    expect(Object.keys(byName).sort()).toEqual(["a.txt", "b.md", "empty.txt", "evil.txt", "one.txt", "passwd", "two.csv"]);
    expect(byName["a.txt"]).toMatchObject({ status: "created", archive: "pack.zip", path: "docs/a.txt" });
    expect(byName["evil.txt"]).toMatchObject({ status: "failed", path: "../evil.txt", document_id: null });
    expect(byName.passwd).toMatchObject({ status: "failed", path: "/etc/passwd" });
    expect(byName["empty.txt"]).toMatchObject({ status: "failed", error: "The file is empty" });
    expect(r.body).toMatchObject({ total: 7, created: 4, failed: 3 });
    const created = r.body.results.filter((x: { status: string }) => x.status === "created");
    expect(
      indexMessages()
        .map((m) => m.document_id)
        .sort(),
    ).toEqual(created.map((x: { document_id: string }) => x.document_id).sort());
    const a = await as(member)("GET", `/api/v1/documents/${byName["a.txt"].document_id}`);
    expect(a.body).toMatchObject({
      title: "a.txt",
      category: "imported",
      tags: ["bulk"],
      content_type: "text/plain",
      size_bytes: 5,
      current_version: 1,
    });
    expect(await fileText(member, byName["b.md"].document_id)).toBe("# beta");
    expect(await fileText(member, byName["two.csv"].document_id)).toBe("two");
    expect((await as(owner)("GET", `/api/v1/documents/${byName["one.txt"].document_id}/links`)).body[0]).toMatchObject({
      is_primary: true,
      entity_id: publicChannel.id,
    });
    // The staged archive is gone; nothing named evil was stored anywhere.
    expect((await env.FILES.list({ prefix: "documents/_bulk/" })).objects).toEqual([]);
    const all = await env.FILES.list({ prefix: "documents/" });
    expect(all.objects.some((o) => o.key.includes("evil") || o.key.includes("passwd"))).toBe(false);
  });

  it("archives over the caps, encrypted or unreadable are refused whole", async () => {
    const many = zipOf(Array.from({ length: 501 }, (_, i) => ({ name: `f${i}.txt`, data: text(String(i)) })));
    const big = 201 * 1024 * 1024;
    const bomb = zipOf([{ name: "zeros.bin", deflated: { bytes: await deflatedZeros(big), size: big, crc: 0 } }]);
    // Declares 10 bytes, inflates to 60 MB: stopped on the bytes, not the declaration.
    const liar = zipOf([{ name: "liar.bin", deflated: { bytes: await deflatedZeros(60 * 1024 * 1024), size: 10, crc: 0 } }]);
    const locked = zipOf([{ name: "secret.txt", data: text("x"), flags: 1 }]);
    const r = await bulk(
      owner,
      form([
        new File([many], "many.zip"),
        new File([bomb], "bomb.zip"),
        new File([liar], "liar.zip"),
        new File([locked], "locked.zip"),
        new File(["not a zip"], "fake.zip"),
      ]),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.created).toBe(0);
    const errors = Object.fromEntries(r.body.results.map((x: { archive: string; error: string }) => [x.archive, x.error]));
    expect(errors["many.zip"]).toMatch(/at most 500/);
    expect(errors["bomb.zip"]).toMatch(/200 MB/);
    expect(errors["liar.zip"]).toMatch(/stopped|Could not read/);
    expect(errors["locked.zip"]).toMatch(/Encrypted/);
    expect(errors["fake.zip"]).toMatch(/Not a readable zip/);
    expect(indexMessages()).toEqual([]);
    expect((await env.FILES.list({ prefix: "documents/_bulk/" })).objects).toEqual([]);
  });

  it("bad requests write nothing", async () => {
    const before = (await env.FILES.list({ prefix: "documents/" })).objects.length;
    const none = await bulk(owner, form([], { category: "x" }));
    expect(none.status).toBe(422);
    expect(none.body.detail[0].loc).toEqual(["body", "file"]);
    const badField = await bulk(owner, form([new File(["x"], "x.txt")], { folder_id: "nope" }));
    expect(badField.status).toBe(422);
    expect(badField.body.detail[0].loc).toEqual(["body", "folder_id"]);
    const hiddenTarget = await bulk(member, form([new File(["x"], "x.txt")], { entity_type: "channel", entity_id: privateChannel.id }));
    expect(hiddenTarget.status).toBe(404);
    expect((await bulk(viewer, form([new File(["x"], "x.txt")]))).status).toBe(403);
    const notMultipart = await call("POST", "/api/v1/documents/upload/bulk", { token: owner.token, workspace: ws(), body: { file: "x" } });
    expect(notMultipart.status).toBe(422);
    expect((await env.FILES.list({ prefix: "documents/" })).objects.length).toBe(before);
    expect(indexMessages()).toEqual([]);
  });
});

describe("anonymous routes", () => {
  it("are limited per client IP: one address is cut off with 429 and Retry-After, another is served", async () => {
    const ip = randomIp();
    const path = `/api/v1/documents/public/${ws()}/${"A".repeat(43)}`;
    // Back-to-back (sent together): past the burst, the policy answers 429.
    const answers = await Promise.all(
      Array.from({ length: 160 }, async () => {
        const r = await raw(path, { headers: { "cf-connecting-ip": ip } });
        await r.body?.cancel();
        return r;
      }),
    );
    const statuses = new Set(answers.map((r) => r.status));
    expect([...statuses].sort()).toEqual([404, 429]);
    const limited = answers.find((r) => r.status === 429) as Response;
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(answers.every((r) => r.headers.get("x-ratelimit-limit") !== null || r.status === 429)).toBe(true);
    // Another address is served; /uploads is limited by the same per-IP policy.
    const uploads = await raw("/api/v1/uploads/documents%2Fx?exp=1&sig=x", { headers: { "cf-connecting-ip": randomIp() } });
    expect(uploads.status).toBe(404);
    expect(uploads.headers.get("x-ratelimit-limit")).not.toBeNull();
    expect((await raw(path, { headers: { "cf-connecting-ip": randomIp() } })).status).toBe(404);
  });
});

const D = "01900000-0000-7000-8000-000000000000";
describeSecurity("documents", [
  { method: "PUT", path: `/api/v1/documents/${D}`, body: { title: "x" }, workspace: true },
  { method: "DELETE", path: `/api/v1/documents/${D}`, workspace: true },
  { method: "POST", path: "/api/v1/documents/bulk-delete", body: { document_ids: [D] }, workspace: true },
  { method: "PUT", path: `/api/v1/documents/${D}/status?status=processing`, workspace: true },
  { method: "GET", path: `/api/v1/documents/${D}/versions`, workspace: true },
  { method: "POST", path: `/api/v1/documents/${D}/versions`, workspace: true },
  { method: "POST", path: `/api/v1/documents/${D}/versions/1/restore`, workspace: true },
  { method: "GET", path: `/api/v1/documents/${D}/links`, workspace: true },
  { method: "POST", path: `/api/v1/documents/${D}/links`, body: { entity_type: "channel", entity_id: D }, workspace: true },
  { method: "DELETE", path: `/api/v1/documents/${D}/links/${D}`, workspace: true },
  { method: "GET", path: `/api/v1/documents/entity/channel/${D}`, workspace: true },
  { method: "GET", path: "/api/v1/documents/linkable-entities?query=a", workspace: true },
  { method: "GET", path: `/api/v1/documents/${D}/relationships`, workspace: true },
  {
    method: "POST",
    path: `/api/v1/documents/${D}/relationships`,
    body: { relationships: [{ target_type: "channel", target_id: D }] },
    workspace: true,
  },
  { method: "DELETE", path: `/api/v1/documents/${D}/relationships/${D}`, workspace: true },
  { method: "POST", path: `/api/v1/documents/${D}/share`, body: { share_type: "public" }, workspace: true },
  { method: "DELETE", path: `/api/v1/documents/${D}/share`, workspace: true },
  { method: "POST", path: `/api/v1/documents/${D}/star`, workspace: true },
  { method: "GET", path: "/api/v1/documents/categories", workspace: true },
  { method: "GET", path: "/api/v1/documents/stats", workspace: true },
  { method: "POST", path: "/api/v1/documents/upload/bulk", workspace: true },
]);
