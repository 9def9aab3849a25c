import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { chatConversations, chatFiles, chatFolders, chatMessages } from "../src/modules/chat/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, type Joined, join, raw, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let m1: Joined;
let viewer: Joined;
let other: SignedUp;
let ws: string;

type Who = { token: string };
const as = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });

async function upload(who: Who, conversationId: string, file: File, workspace = ws) {
  const form = new FormData();
  form.append("file", file);
  const res = await raw(`/api/v1/chat/conversations/${conversationId}/upload`, {
    method: "POST",
    headers: { authorization: `Bearer ${who.token}`, "x-workspace-id": workspace },
    body: form,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const counts = () =>
  tenant(ws, async (db) => ({
    conversations: await db.$count(chatConversations),
    folders: await db.$count(chatFolders),
    messages: await db.$count(chatMessages),
    files: await db.$count(chatFiles),
  }));

beforeAll(async () => {
  [owner, other] = await Promise.all([signup(), signup()]);
  ws = owner.workspaceId;
  [m1, viewer] = await Promise.all([join(owner, "member"), join(owner, "viewer")]);
});

describe("chat folders", () => {
  it("creates folders in order, counts conversations, toggles collapse, updates, reorders, deletes", async () => {
    const a = await as(m1, "POST", "/api/v1/chat/folders", { name: "Work", color: "#ff0000" });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({ name: "Work", color: "#ff0000", icon: null, position: 0, is_collapsed: false, conversation_count: 0 });
    const b = (await as(m1, "POST", "/api/v1/chat/folders", { name: "Home" })).body;
    const c = (await as(m1, "POST", "/api/v1/chat/folders", { name: "Ideas" })).body;
    expect([b.position, c.position]).toEqual([1, 2]);

    // Two conversations in Work (one archived, which is not counted), one in Home.
    const conv1 = await as(m1, "POST", "/api/v1/chat/conversations", { title: "Plan", folder_id: a.body.id });
    expect(conv1.status, JSON.stringify(conv1.body)).toBe(201);
    const conv2 = (await as(m1, "POST", "/api/v1/chat/conversations", { title: "Old", folder_id: a.body.id })).body;
    await as(m1, "PUT", `/api/v1/chat/conversations/${conv2.id}`, { is_archived: true });
    await as(m1, "POST", "/api/v1/chat/conversations", { title: "Dinner", folder_id: b.id });

    const list = await as(m1, "GET", "/api/v1/chat/folders");
    expect(list.status).toBe(200);
    expect(list.body.map((f: { name: string; conversation_count: number }) => [f.name, f.conversation_count])).toEqual([
      ["Work", 1],
      ["Home", 1],
      ["Ideas", 0],
    ]);

    const t = await as(m1, "POST", `/api/v1/chat/folders/${c.id}/toggle-collapse`);
    expect(t.body.is_collapsed).toBe(true);
    expect((await as(m1, "POST", `/api/v1/chat/folders/${c.id}/toggle-collapse`)).body.is_collapsed).toBe(false);

    const u = await as(m1, "PUT", `/api/v1/chat/folders/${b.id}`, { name: "Personal", icon: "house", is_collapsed: true });
    expect(u.body).toMatchObject({ name: "Personal", icon: "house", is_collapsed: true, conversation_count: 1 });
    expect((await as(m1, "GET", `/api/v1/chat/folders/${b.id}`)).body.name).toBe("Personal");

    const r = await as(m1, "POST", "/api/v1/chat/folders/reorder", { folder_ids: [c.id, a.body.id, b.id] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.map((f: { id: string; position: number }) => [f.id, f.position])).toEqual([
      [c.id, 0],
      [a.body.id, 1],
      [b.id, 2],
    ]);

    // Deleting Work keeps its conversations, now uncategorized.
    expect((await as(m1, "DELETE", `/api/v1/chat/folders/${a.body.id}`)).status).toBe(204);
    const conv = await as(m1, "GET", `/api/v1/chat/conversations/${conv1.body.id}`);
    expect(conv.body.folder_id).toBeNull();
    expect((await as(m1, "GET", `/api/v1/chat/folders/${a.body.id}`)).status).toBe(404);
  });

  it("refuses a reorder that does not list every folder once, changing nothing", async () => {
    const x = (await as(owner, "POST", "/api/v1/chat/folders", { name: "X" })).body;
    const y = (await as(owner, "POST", "/api/v1/chat/folders", { name: "Y" })).body;
    const partial = await as(owner, "POST", "/api/v1/chat/folders/reorder", { folder_ids: [y.id] });
    expect(partial.status).toBe(422);
    const dup = await as(owner, "POST", "/api/v1/chat/folders/reorder", { folder_ids: [y.id, y.id] });
    expect(dup.status).toBe(422);
    expect(dup.body.detail[0].loc).toEqual(["body", "folder_ids", 1]);
    const foreign = (await as(m1, "POST", "/api/v1/chat/folders", { name: "M1's" })).body;
    const stolen = await as(owner, "POST", "/api/v1/chat/folders/reorder", { folder_ids: [y.id, x.id, foreign.id] });
    expect(stolen.status).toBe(422);
    expect(stolen.body.detail[0].loc).toEqual(["body", "folder_ids", 2]);
    const list = (await as(owner, "GET", "/api/v1/chat/folders")).body;
    expect(list.map((f: { id: string }) => f.id)).toEqual([x.id, y.id]);
  });

  it("422 on bad folder input, nothing written", async () => {
    const before = await counts();
    for (const body of [{}, { name: "" }, { name: "x".repeat(101) }, { name: 5 }]) {
      const r = await as(m1, "POST", "/api/v1/chat/folders", body);
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error" });
      expect(r.body.detail[0].loc[0]).toBe("body");
      expect(typeof r.body.request_id).toBe("string");
    }
    expect(await counts()).toEqual(before);
  });

  it("another member's folder is a 404", async () => {
    const f = (await as(m1, "POST", "/api/v1/chat/folders", { name: "Mine" })).body;
    for (const [method, path, body] of [
      ["GET", `/api/v1/chat/folders/${f.id}`],
      ["PUT", `/api/v1/chat/folders/${f.id}`, { name: "Theirs" }],
      ["POST", `/api/v1/chat/folders/${f.id}/toggle-collapse`],
      ["DELETE", `/api/v1/chat/folders/${f.id}`],
    ] as const) {
      const r = await as(owner, method, path, body);
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    expect((await as(owner, "GET", "/api/v1/chat/folders")).body.some((x: { id: string }) => x.id === f.id)).toBe(false);
    // A conversation cannot be put into someone else's folder either.
    const c = await as(owner, "POST", "/api/v1/chat/conversations", { folder_id: f.id });
    expect(c.status).toBe(422);
    expect(c.body.detail[0].loc).toEqual(["body", "folder_id"]);
  });
});

describe("chat conversations", () => {
  it("creates, lists with filters, updates, pins, archives and deletes", async () => {
    const folder = (await as(owner, "POST", "/api/v1/chat/folders", { name: "Filters" })).body;
    const a = await as(owner, "POST", "/api/v1/chat/conversations", { title: "Alpha", prompt_context: "chat", model: "atrium-dev-1" });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({
      title: "Alpha",
      model: "atrium-dev-1",
      prompt_context: "chat",
      folder_id: null,
      agent_id: null,
      is_pinned: false,
      is_archived: false,
      message_count: 0,
    });
    expect(a.body.system_prompt).toContain("Atrium");
    const b = (await as(owner, "POST", "/api/v1/chat/conversations", { title: "Beta", system_prompt: "Be terse.", folder_id: folder.id }))
      .body;
    expect(b.system_prompt).toBe("Be terse.");
    const c = (await as(owner, "POST", "/api/v1/chat/conversations", { title: "Gamma", is_pinned: true })).body;

    const ids = (q: string) =>
      as(owner, "GET", `/api/v1/chat/conversations${q}`).then((r) => {
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        return r.body.map((x: { id: string }) => x.id).filter((id: string) => [a.body.id, b.id, c.id].includes(id));
      });
    expect(await ids("")).toEqual([c.id, b.id, a.body.id]);
    expect(await ids("?pinned_only=true")).toEqual([c.id]);
    expect(await ids(`?folder_id=${folder.id}`)).toEqual([b.id]);
    expect(await ids("?uncategorized=true")).toEqual([c.id, a.body.id]);
    expect(await ids("?limit=1")).toHaveLength(1);

    const u = await as(owner, "PUT", `/api/v1/chat/conversations/${a.body.id}`, {
      title: "Alpha 2",
      is_archived: true,
      folder_id: folder.id,
    });
    expect(u.status).toBe(200);
    expect(u.body).toMatchObject({ title: "Alpha 2", is_archived: true, folder_id: folder.id });
    expect(await ids("")).toEqual([c.id, b.id]);
    expect(await ids("?archived=true")).toEqual([a.body.id]);
    const out = await as(owner, "PUT", `/api/v1/chat/conversations/${b.id}`, { folder_id: null });
    expect(out.body.folder_id).toBeNull();

    expect((await as(owner, "DELETE", `/api/v1/chat/conversations/${c.id}`)).status).toBe(204);
    expect((await as(owner, "GET", `/api/v1/chat/conversations/${c.id}`)).status).toBe(404);
  });

  it("adds messages without a model and returns them oldest first", async () => {
    const conv = (await as(m1, "POST", "/api/v1/chat/conversations", { title: "Images" })).body;
    const m = await as(m1, "POST", `/api/v1/chat/conversations/${conv.id}/messages`, {
      role: "user",
      content: "Draw a cat",
    });
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    const img = await as(m1, "POST", `/api/v1/chat/conversations/${conv.id}/messages`, {
      content: "Here is your cat",
      metadata: { image_url: "https://example.com/cat.png" },
    });
    expect(img.body).toMatchObject({ role: "assistant", metadata: { image_url: "https://example.com/cat.png" }, is_incomplete: false });
    const list = await as(m1, "GET", `/api/v1/chat/conversations/${conv.id}/messages`);
    expect(list.body.map((x: { content: string }) => x.content)).toEqual(["Draw a cat", "Here is your cat"]);
    expect((await as(m1, "GET", `/api/v1/chat/conversations/${conv.id}/messages?skip=1&limit=1`)).body).toHaveLength(1);
    const full = await as(m1, "GET", `/api/v1/chat/conversations/${conv.id}`);
    expect(full.body.message_count).toBe(2);
    expect(full.body.last_message_at).not.toBeNull();
    expect(full.body.messages).toHaveLength(2);
  });

  it("422 on bad input (unknown model, prompt context, agent, body), nothing written", async () => {
    const before = await counts();
    const cases: [unknown, (string | number)[]][] = [
      [{ model: "no-such-model" }, ["body", "model"]],
      [{ prompt_context: "no-such-context" }, ["body", "prompt_context"]],
      [{ agent_id: "0190f0f0-0000-7000-8000-000000000000" }, ["body", "agent_id"]],
      [{ folder_id: "not-a-uuid" }, ["body", "folder_id"]],
      [{ title: "" }, ["body", "title"]],
      [{ is_pinned: "yes" }, ["body", "is_pinned"]],
    ];
    for (const [body, loc] of cases) {
      const r = await as(m1, "POST", "/api/v1/chat/conversations", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.detail[0].loc).toEqual(loc);
    }
    const unknown = await as(m1, "POST", "/api/v1/chat/conversations", { model: "no-such-model" });
    expect(unknown.body.detail[0].msg).toContain("atrium-dev-1");
    const conv = (await as(m1, "POST", "/api/v1/chat/conversations", {})).body;
    const mid = await counts();
    for (const body of [
      {},
      { content: 5 },
      { content: "x", role: "tool" },
      { content: "x", file_ids: ["0190f0f0-0000-7000-8000-000000000000"] },
    ]) {
      const r = await as(m1, "POST", `/api/v1/chat/conversations/${conv.id}/messages`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect((await as(m1, "PUT", `/api/v1/chat/conversations/${conv.id}`, { model: "nope" })).status).toBe(422);
    expect(await counts()).toEqual(mid);
    expect(mid.conversations).toBe(before.conversations + 1);
  });

  it("viewers cannot start conversations (can_use_ai) but the AI-free reads still work", async () => {
    const r = await as(viewer, "POST", "/api/v1/chat/conversations", { title: "Nope" });
    expect(r.status).toBe(403);
    expect((await as(viewer, "GET", "/api/v1/chat/conversations")).status).toBe(200);
    expect((await as(viewer, "POST", "/api/v1/chat/folders", { name: "Viewer folder" })).status).toBe(201);
  });

  it("another member's or another workspace's conversation is a 404", async () => {
    const conv = (await as(m1, "POST", "/api/v1/chat/conversations", { title: "Private" })).body;
    const paths: [string, string, unknown?][] = [
      ["GET", `/api/v1/chat/conversations/${conv.id}`],
      ["PUT", `/api/v1/chat/conversations/${conv.id}`, { title: "Mine now" }],
      ["DELETE", `/api/v1/chat/conversations/${conv.id}`],
      ["GET", `/api/v1/chat/conversations/${conv.id}/messages`],
      ["POST", `/api/v1/chat/conversations/${conv.id}/messages`, { content: "hi" }],
      ["GET", `/api/v1/chat/conversations/${conv.id}/files`],
    ];
    for (const [method, path, body] of paths) {
      const r = await as(owner, method, path, body);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.code).toBe("not_found");
    }
    // The owner of the workspace does not see it in their list either.
    expect((await as(owner, "GET", "/api/v1/chat/conversations")).body.some((x: { id: string }) => x.id === conv.id)).toBe(false);
    // Another workspace's member naming their own workspace: the id means nothing there.
    const r = await call("GET", `/api/v1/chat/conversations/${conv.id}`, { token: other.token, workspace: other.workspaceId });
    expect(r.status).toBe(404);
    expect((await upload(owner, conv.id, new File(["x"], "x.txt", { type: "text/plain" }))).status).toBe(404);
    expect((await as(m1, "GET", `/api/v1/chat/conversations/${conv.id}`)).body.title).toBe("Private");
  });
});

describe("chat files", () => {
  it("uploads to R2, extracts text of text-like files, lists with signed URLs that download", async () => {
    const conv = (await as(m1, "POST", "/api/v1/chat/conversations", { title: "Files" })).body;
    const md = await upload(m1, conv.id, new File(["# Plan\n\nShip on Friday ✓"], "plan.md", { type: "text/markdown" }));
    expect(md.status, JSON.stringify(md.body)).toBe(200);
    expect(md.body).toMatchObject({ file_name: "plan.md", content_type: "text/markdown", extraction_status: "extracted", has_text: true });
    const csv = await upload(m1, conv.id, new File(["a,b\n1,2\n"], "data.csv", { type: "" }));
    expect(csv.body).toMatchObject({ content_type: "application/octet-stream", extraction_status: "extracted" });
    const json = await upload(m1, conv.id, new File(['{"k": 1}'], "k.json", { type: "application/json" }));
    expect(json.body.extraction_status).toBe("extracted");
    const png = await upload(m1, conv.id, new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "p.png", { type: "image/png" }));
    expect(png.body).toMatchObject({ extraction_status: "unsupported", has_text: false });
    const bad = await upload(m1, conv.id, new File([new Uint8Array([0xff, 0xfe, 0xfd])], "bad.txt", { type: "text/plain" }));
    expect(bad.body.extraction_status).toBe("failed");

    const stored = await tenant(ws, (db) => db.select().from(chatFiles).where(eq(chatFiles.id, md.body.id)));
    expect(stored[0]?.extractedText).toBe("# Plan\n\nShip on Friday ✓");
    expect(stored[0]?.r2Key.startsWith(`${ws}/chat/${conv.id}/`)).toBe(true);

    const list = await as(m1, "GET", `/api/v1/chat/conversations/${conv.id}/files`);
    expect(list.body.map((f: { file_name: string }) => f.file_name)).toEqual(["bad.txt", "p.png", "k.json", "data.csv", "plan.md"]);
    const url = new URL(list.body[4].url);
    const dl = await raw(url.pathname + url.search);
    expect(dl.status).toBe(200);
    expect(await dl.text()).toBe("# Plan\n\nShip on Friday ✓");

    const signed = await as(m1, "GET", `/api/v1/chat/files/${md.body.id}/download-url`);
    expect(signed.status).toBe(200);
    expect(signed.body.file_id).toBe(md.body.id);
    const u2 = new URL(signed.body.url);
    const dl2 = await raw(u2.pathname + u2.search);
    expect(dl2.status).toBe(200);
    expect(dl2.headers.get("content-disposition")).toContain("attachment");
    expect((await as(owner, "GET", `/api/v1/chat/files/${md.body.id}/download-url`)).status).toBe(404);

    // Attached to a message by id.
    const m = await as(m1, "POST", `/api/v1/chat/conversations/${conv.id}/messages`, {
      role: "user",
      content: "see",
      file_ids: [md.body.id],
    });
    expect(m.body.file_ids).toEqual([md.body.id]);

    // Deleting the conversation removes the objects too.
    const key = stored[0]?.r2Key as string;
    expect((await as(m1, "DELETE", `/api/v1/chat/conversations/${conv.id}`)).status).toBe(204);
    expect(await raw(url.pathname + url.search).then((r) => r.status)).toBe(404);
    expect(await tenant(ws, (db) => db.$count(chatFiles, eq(chatFiles.r2Key, key)))).toBe(0);
  });

  it("413 above 25 MB and 422 without a file, nothing written", async () => {
    const conv = (await as(m1, "POST", "/api/v1/chat/conversations", { title: "Big" })).body;
    const before = await counts();
    const big = await upload(m1, conv.id, new File([new Uint8Array(25 * 1024 * 1024 + 1)], "big.txt", { type: "text/plain" }));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe("payload_too_large");
    const form = new FormData();
    form.append("other", "x");
    const none = await raw(`/api/v1/chat/conversations/${conv.id}/upload`, {
      method: "POST",
      headers: { authorization: `Bearer ${m1.token}`, "x-workspace-id": ws },
      body: form,
    });
    expect(none.status).toBe(422);
    expect(await counts()).toEqual(before);
  });
});

describe("chat models", () => {
  it("lists the gateway's chat models with the default marked", async () => {
    const r = await as(viewer, "GET", "/api/v1/chat/models");
    expect(r.status).toBe(200);
    const ids = r.body.map((m: { id: string }) => m.id);
    expect(ids).toContain("atrium-dev-1");
    expect(ids).not.toContain("whisper-1");
    expect(r.body.filter((m: { is_default: boolean }) => m.is_default)).toHaveLength(1);
  });
});

const id = "0190f0f0-0000-7000-8000-000000000000";
describeSecurity("chat", [
  { method: "GET", path: "/api/v1/chat/models", workspace: true },
  { method: "GET", path: "/api/v1/chat/folders", workspace: true },
  { method: "POST", path: "/api/v1/chat/folders", workspace: true, body: { name: "x" } },
  { method: "POST", path: "/api/v1/chat/folders/reorder", workspace: true, body: { folder_ids: [id] } },
  { method: "GET", path: `/api/v1/chat/folders/${id}`, workspace: true },
  { method: "PUT", path: `/api/v1/chat/folders/${id}`, workspace: true, body: { name: "x" } },
  { method: "DELETE", path: `/api/v1/chat/folders/${id}`, workspace: true },
  { method: "POST", path: `/api/v1/chat/folders/${id}/toggle-collapse`, workspace: true },
  { method: "GET", path: "/api/v1/chat/conversations", workspace: true },
  { method: "POST", path: "/api/v1/chat/conversations", workspace: true, body: {} },
  { method: "GET", path: `/api/v1/chat/conversations/${id}`, workspace: true },
  { method: "PUT", path: `/api/v1/chat/conversations/${id}`, workspace: true, body: { title: "x" } },
  { method: "DELETE", path: `/api/v1/chat/conversations/${id}`, workspace: true },
  { method: "GET", path: `/api/v1/chat/conversations/${id}/messages`, workspace: true },
  { method: "POST", path: `/api/v1/chat/conversations/${id}/messages`, workspace: true, body: { content: "x" } },
  { method: "POST", path: `/api/v1/chat/conversations/${id}/upload`, workspace: true },
  { method: "GET", path: `/api/v1/chat/conversations/${id}/files`, workspace: true },
  { method: "GET", path: `/api/v1/chat/files/${id}/download-url`, workspace: true },
]);
