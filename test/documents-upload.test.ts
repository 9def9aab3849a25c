import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { QueueMessage } from "../queues";
import { documentLinks, documents, documentVersions } from "../src/modules/documents/tables";
import { call, databaseUrl, env, type Joined, join, raw, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

// Documents core: metadata create, streamed upload, list/get with the visibility rule, file links.

let owner: SignedUp;
let member: Joined;
let viewer: Joined;
let outsider: SignedUp;
const ws = () => owner.workspaceId;
const tenant = <T>(f: Parameters<typeof withDb<T>>[1]) => withDb(databaseUrl(`ws_${ws().replace(/-/g, "")}`), f);
const as = (who: { token: string }) => (method: string, path: string, body?: unknown) =>
  call(method, path, { token: who.token, workspace: ws(), ...(body !== undefined ? { body } : {}) });

let sent: QueueMessage[] = [];
function captureQueue() {
  sent = [];
  vi.spyOn(env.IMPORTS_QUEUE, "send").mockImplementation(async (m: unknown) => {
    sent.push(m as QueueMessage);
    return undefined as never;
  });
}

function form(file: File | null, fields: Record<string, string> = {}) {
  const f = new FormData();
  if (file) f.append("file", file);
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

const upload = (who: { token: string }, file: File | null, fields: Record<string, string> = {}) =>
  call("POST", "/api/v1/documents/upload", { token: who.token, workspace: ws(), raw: form(file, fields) });

let publicChannel: { id: string; slug: string };
let privateChannel: { id: string; slug: string };

beforeAll(async () => {
  owner = await signup();
  [member, viewer, outsider] = await Promise.all([join(owner, "member"), join(owner, "viewer"), signup()]);
  const mk = async (name: string, isPrivate: boolean) => {
    const r = await as(owner)("POST", "/api/v1/channels", { name, is_private: isPrivate });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.id as string, slug: r.body.slug as string };
  };
  publicChannel = await mk(`docs-public-${Date.now().toString(36)}`, false);
  privateChannel = await mk(`docs-private-${Date.now().toString(36)}`, true);
});

describe("upload", () => {
  it("streams the file to storage as version 1, links it, and queues indexing", async () => {
    captureQueue();
    const r = await upload(owner, new File(["# Plan\n\nShip the atrium."], "plan.md", { type: "text/markdown" }), {
      title: "The plan",
      category: "strategy",
      tags: "q1, roadmap",
      entity_type: "channel",
      entity_id: publicChannel.id,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      title: "The plan",
      file_name: "plan.md",
      content_type: "text/markdown",
      size_bytes: 24,
      current_version: 1,
      category: "strategy",
      tags: ["q1", "roadmap"],
      index_status: "queued",
      uploaded_by_name: "Ada Lovelace",
      is_starred: false,
      source_type: "channel",
      source_id: publicChannel.id,
    });
    expect(sent).toEqual([expect.objectContaining({ type: "document.index", document_id: r.body.id, version: 1, workspace_id: ws() })]);
    const [version] = await tenant((db) => db.select().from(documentVersions).where(eq(documentVersions.documentId, r.body.id)));
    expect(version).toMatchObject({ versionNumber: 1, sizeBytes: 24, storageKey: `documents/${r.body.id}/v1/plan.md` });
    const expected = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("# Plan\n\nShip the atrium.")))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(version?.sha256).toBe(expected);
    const links = await tenant((db) => db.select().from(documentLinks).where(eq(documentLinks.documentId, r.body.id)));
    expect(links).toEqual([expect.objectContaining({ entityType: "channel", entityId: publicChannel.id, isPrimary: true })]);

    // The signed URL serves exactly the bytes.
    const file = await raw(new URL(r.body.url).pathname + new URL(r.body.url).search);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("# Plan\n\nShip the atrium.");
  });

  it("defaults the title to the file name and keeps odd names safe", async () => {
    const r = await upload(owner, new File(["x"], "C:\\Users\\x\\passwd", { type: "not a mime" }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ title: "passwd", file_name: "passwd", content_type: "application/octet-stream" });
  });

  it("refuses bad input with 4xx and stores nothing", async () => {
    captureQueue();
    const before = await tenant((db) => db.select({ id: documents.id }).from(documents));
    const noFile = await upload(owner, null, { title: "x" });
    expect(noFile.status).toBe(422);
    expect(noFile.body.detail[0].loc).toEqual(["body", "file"]);
    expect((await upload(owner, new File([""], "empty.txt"))).status).toBe(422);
    const badTags = await upload(owner, new File(["x"], "a.txt"), { tags: "x".repeat(60) });
    expect(badTags.status).toBe(422);
    expect(badTags.body.detail[0].loc[1]).toBe("tags");
    expect((await upload(owner, new File(["x"], "a.txt"), { entity_type: "channel" })).status).toBe(422);
    expect((await upload(owner, new File(["x"], "a.txt"), { entity_type: "planet", entity_id: crypto.randomUUID() })).status).toBe(422);
    // A link target that does not exist (or that the caller cannot see) is a 404.
    expect((await upload(owner, new File(["x"], "a.txt"), { entity_type: "task", entity_id: crypto.randomUUID() })).status).toBe(404);
    const notMultipart = await call("POST", "/api/v1/documents/upload", { token: owner.token, workspace: ws(), body: { file: "x" } });
    expect(notMultipart.status).toBe(422);
    const after = await tenant((db) => db.select({ id: documents.id }).from(documents));
    expect(after.length).toBe(before.length);
    expect(sent).toEqual([]);
    const listed = await env.FILES.list({ prefix: "documents/" });
    const keys = listed.objects.map((o) => o.key);
    const rows = await tenant((db) => db.select({ key: documentVersions.storageKey }).from(documentVersions));
    expect(keys.sort()).toEqual(rows.map((r) => r.key).sort());
  });

  it("is a 413 above 50 MB, before reading the body when Content-Length says so", async () => {
    const big = await raw("/api/v1/documents/upload", {
      method: "POST",
      headers: {
        authorization: `Bearer ${owner.token}`,
        "x-workspace-id": ws(),
        "content-type": "multipart/form-data; boundary=x",
        "content-length": String(60 * 1024 * 1024),
      },
      body: "--x--",
    });
    expect(big.status).toBe(413);
    // Streamed past the cap without a length: cut at 50 MB.
    const chunk = new Uint8Array(1024 * 1024);
    let sentBytes = 0;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'));
      },
      pull(c) {
        sentBytes += chunk.length;
        if (sentBytes > 60 * 1024 * 1024) c.close();
        else c.enqueue(chunk);
      },
    });
    const streamed = await raw("/api/v1/documents/upload", {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws(), "content-type": "multipart/form-data; boundary=b" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("needs can_create_document (viewers cannot upload)", async () => {
    expect((await upload(viewer, new File(["x"], "v.txt"))).status).toBe(403);
    expect((await as(viewer)("POST", "/api/v1/documents", { title: "nope" })).status).toBe(403);
  });
});

describe("metadata documents, list and get", () => {
  it("creates a metadata-only document and validates its body", async () => {
    const r = await as(owner)("POST", "/api/v1/documents", { title: "Notes", description: "d", tags: ["a"], category: "misc" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ title: "Notes", current_version: 0, file_name: null, url: null, index_status: "none" });
    expect((await as(owner)("GET", `/api/v1/documents/${r.body.id}/file`)).status).toBe(404);
    const bad = await as(owner)("POST", "/api/v1/documents", { title: "", tags: "x" });
    expect(bad.status).toBe(422);
    expect((await as(owner)("POST", "/api/v1/documents", { title: "x", entity_type: "goal" })).status).toBe(422);
  });

  it("shows members only what they uploaded or what is linked to something they can see", async () => {
    const inPublic = await upload(owner, new File(["pub"], "pub.txt"), { entity_type: "channel", entity_id: publicChannel.id });
    const inPrivate = await upload(owner, new File(["priv"], "priv.txt"), { entity_type: "channel", entity_id: privateChannel.id });
    const loose = await upload(owner, new File(["loose"], "loose.txt"));
    const mine = await upload(member, new File(["mine"], "mine.txt"));
    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((d) => d.id);

    const forMember = await as(member)("GET", "/api/v1/documents?limit=100");
    expect(forMember.status).toBe(200);
    expect(ids(forMember)).toContain(inPublic.body.id);
    expect(ids(forMember)).toContain(mine.body.id);
    expect(ids(forMember)).not.toContain(inPrivate.body.id);
    expect(ids(forMember)).not.toContain(loose.body.id);
    expect(forMember.body.total).toBe(forMember.body.items.length);
    const forOwner = await as(owner)("GET", "/api/v1/documents?limit=100");
    expect(ids(forOwner)).toEqual(expect.arrayContaining([inPublic.body.id, inPrivate.body.id, loose.body.id, mine.body.id]));

    expect((await as(member)("GET", `/api/v1/documents/${inPrivate.body.id}`)).status).toBe(404);
    expect((await as(member)("GET", `/api/v1/documents/${inPrivate.body.id}/file`)).status).toBe(404);
    expect((await as(member)("GET", `/api/v1/documents/${inPrivate.body.id}/signed-url`)).status).toBe(404);
    expect((await as(member)("GET", `/api/v1/documents/${inPublic.body.id}`)).status).toBe(200);
  });

  it("follows every kind of link: tasks, records, recordsets, goals and members, each by its own module's rule", async () => {
    const o = as(owner);
    const linked = async (entity_type: string, entity_id: string) => {
      const r = await upload(owner, new File([entity_type], `${entity_type}.txt`), { entity_type, entity_id });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    const assigned = await o("POST", "/api/v1/tasks", { title: "Assigned to the member", assignee_ids: [member.memberId] });
    const ownersTask = await o("POST", "/api/v1/tasks", { title: "The owner's own task" });
    const rs = await o("POST", "/api/v1/recordsets", {
      name: `Docs rs ${Date.now().toString(36)}`,
      fields: [{ key: "name", name: "Name", type: "text", is_primary: true }],
    });
    expect(rs.status, JSON.stringify(rs.body)).toBe(201);
    const rec = await o("POST", "/api/v1/records", { recordset_id: rs.body.id, field_values: { name: "Acme" } });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const goal = await o("POST", "/api/v1/goals", { title: "Docs goal", key_results: [{ title: "KR" }] });
    expect(goal.status, JSON.stringify(goal.body)).toBe(201);

    const docs = {
      assignedTask: await linked("task", assigned.body.id),
      ownersTask: await linked("task", ownersTask.body.id),
      record: await linked("record", rec.body.id),
      recordset: await linked("recordset", rs.body.id),
      goal: await linked("goal", goal.body.id),
      toMember: await linked("member", member.memberId),
      toViewer: await linked("member", viewer.memberId),
    };
    const seen = async (who: { token: string }) =>
      new Set((await as(who)("GET", "/api/v1/documents?limit=100")).body.items.map((d: { id: string }) => d.id as string));
    let mine = await seen(member);
    expect(mine.has(docs.assignedTask)).toBe(true);
    expect(mine.has(docs.ownersTask)).toBe(false);
    expect(mine.has(docs.record)).toBe(false);
    expect(mine.has(docs.recordset)).toBe(false);
    expect(mine.has(docs.goal)).toBe(true); // members hold can_view_goal by default
    expect(mine.has(docs.toMember)).toBe(true);
    expect(mine.has(docs.toViewer)).toBe(false);

    // A grant on the recordset opens the record's and the recordset's documents; a deleted record closes its own again.
    expect((await o("POST", `/api/v1/recordsets/${rs.body.slug}/access`, { member_id: member.memberId })).status).toBe(201);
    mine = await seen(member);
    expect(mine.has(docs.record)).toBe(true);
    expect(mine.has(docs.recordset)).toBe(true);
    expect((await o("DELETE", `/api/v1/records/${rec.body.id}`)).status).toBeLessThan(300);
    mine = await seen(member);
    expect(mine.has(docs.record)).toBe(false);
    expect(mine.has(docs.recordset)).toBe(true);
    expect((await as(member)("GET", `/api/v1/documents/${docs.record}`)).status).toBe(404);
  });

  it("filters, sorts and pages", async () => {
    const tag = `t${Date.now().toString(36)}`;
    const a = await upload(owner, new File(["aaa"], "alpha.txt"), { tags: `${tag},x`, category: `cat-${tag}` });
    const b = await upload(owner, new File(["bbbbbb"], "beta.txt"), { tags: tag, category: `cat-${tag}` });
    const get = (qs: string) => as(owner)("GET", `/api/v1/documents?${qs}`);
    expect((await get(`tags=${tag}&sort_by=size_bytes&sort_order=asc`)).body.items.map((d: { id: string }) => d.id)).toEqual([
      a.body.id,
      b.body.id,
    ]);
    expect((await get(`tags=${tag},x`)).body.items.map((d: { id: string }) => d.id)).toEqual([a.body.id]);
    expect((await get(`category=cat-${tag}&search=BETA`)).body.items.map((d: { id: string }) => d.id)).toEqual([b.body.id]);
    const page = await get(`tags=${tag}&sort_by=title&sort_order=asc&skip=1&limit=1`);
    expect(page.body).toMatchObject({ total: 2, skip: 1, limit: 1 });
    expect(page.body.items[0].id).toBe(b.body.id);
    expect((await get(`tags=${tag}&status=queued`)).body.total).toBe(2);
    expect((await get(`tags=${tag}&status=ready`)).body.total).toBe(0);
    expect((await get(`tags=${tag}&starred=true`)).body.total).toBe(0);
    expect((await get("search=%25")).status).toBe(200);
    expect((await get("limit=1000")).status).toBe(422);
    expect((await get("sort_by=password")).status).toBe(422);
    expect((await get("status=bogus")).status).toBe(422);
  });

  it("counts accesses and mints fresh links", async () => {
    const d = await upload(owner, new File(["count me"], "count.txt", { type: "text/plain" }));
    await as(owner)("GET", `/api/v1/documents/${d.body.id}`);
    const second = await as(owner)("GET", `/api/v1/documents/${d.body.id}`);
    expect(second.body.access_count).toBe(2);
    expect(second.body.last_accessed_at).not.toBeNull();

    const redirect = await raw(`/api/v1/documents/${d.body.id}/file?download=true`, {
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws() },
      redirect: "manual",
    });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get("location") as string);
    expect(location.searchParams.get("download")).toBe("1");
    const got = await raw(location.pathname + location.search);
    expect(await got.text()).toBe("count me");
    expect(got.headers.get("content-disposition")).toContain("attachment");

    const signed = await as(owner)("GET", `/api/v1/documents/${d.body.id}/signed-url`);
    expect(signed.body).toMatchObject({ file_name: "count.txt", content_type: "text/plain" });
    expect(Date.parse(signed.body.expires_at) - Date.now()).toBeLessThanOrEqual(15 * 60 * 1000);
    // The signature covers the key: pointing it at another object fails.
    const forged = new URL(signed.body.url);
    forged.searchParams.set("key", "documents/other/v1/x.txt");
    expect((await raw(forged.pathname + forged.search)).status).toBeGreaterThanOrEqual(400);
  });

  it("treats another workspace's documents (and junk ids) as not found", async () => {
    const d = await upload(owner, new File(["secret"], "secret.txt"));
    const theirs = (path: string) => call("GET", path, { token: outsider.token, workspace: outsider.workspaceId });
    for (const p of ["", "/file", "/signed-url"]) {
      expect((await theirs(`/api/v1/documents/${d.body.id}${p}`)).status).toBe(404);
      expect((await as(owner)("GET", `/api/v1/documents/not-a-uuid${p}`)).status).toBe(404);
    }
    expect((await theirs("/api/v1/documents")).body.items.map((x: { id: string }) => x.id)).not.toContain(d.body.id);
    // Linking to another workspace's channel: that channel does not exist here.
    const other = await call("POST", "/api/v1/channels", {
      token: outsider.token,
      workspace: outsider.workspaceId,
      body: { name: "theirs" },
    });
    expect((await upload(owner, new File(["x"], "x.txt"), { entity_type: "channel", entity_id: other.body.id })).status).toBe(404);
  });
});

describeSecurity("documents core", [
  { method: "GET", path: "/api/v1/documents", workspace: true },
  { method: "POST", path: "/api/v1/documents", body: { title: "x" }, workspace: true },
  { method: "POST", path: "/api/v1/documents/upload", workspace: true },
  { method: "GET", path: `/api/v1/documents/${crypto.randomUUID()}`, workspace: true },
  { method: "GET", path: `/api/v1/documents/${crypto.randomUUID()}/file`, workspace: true },
  { method: "GET", path: `/api/v1/documents/${crypto.randomUUID()}/signed-url`, workspace: true },
]);
