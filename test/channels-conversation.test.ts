import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { DEV_MODEL } from "../scripts/ai-server";
import { activities } from "../src/modules/activity/tables";
import { SUMMARY_INSTRUCTIONS } from "../src/modules/channels/service/messages";
import { channels, messages } from "../src/modules/channels/tables";
import { notifications } from "../src/modules/notifications/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, type Joined, join, raw, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const withTenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

let owner: SignedUp;
let admin: Joined;
let member: Joined;
let member2: Joined;
let viewer: Joined;
let outsider: SignedUp;
let ws: string;

beforeAll(async () => {
  [owner, outsider] = await Promise.all([signup(), signup()]);
  ws = owner.workspaceId;
  admin = await join(owner, "admin");
  member = await join(owner, "member");
  member2 = await join(owner, "member");
  viewer = await join(owner, "viewer");
});

type Who = { token: string };
const as = (who: () => Who) => (method: string, path: string, body?: unknown) =>
  call(method, path, { token: who().token, workspace: ws, body });
const asOwner = as(() => owner);
const asAdmin = as(() => admin);
const asMember = as(() => member);
const asMember2 = as(() => member2);
const asViewer = as(() => viewer);
type As = ReturnType<typeof as>;

let n = 0;
const uniqueName = () => `Talk ${Date.now().toString(36)}${(n++).toString(36)}`;
const ch = (slug: string, rest = "") => `/api/v1/channels/${slug}${rest}`;

async function makeChannel(by: As, body: Record<string, unknown> = {}) {
  const r = await by("POST", "/api/v1/channels", { name: uniqueName(), ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; slug: string; name: string };
}

async function post(by: As, slug: string, content: string, extra: Record<string, unknown> = {}) {
  const r = await by("POST", ch(slug, "/messages"), { content, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; seq: number; content: string };
}

const list = async (by: As, slug: string, query = "") => {
  const r = await by("GET", ch(slug, `/messages${query}`));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as {
    messages: { id: string; seq: number; content: string; kind: string }[];
    has_more_before: boolean;
    has_more_after: boolean;
  };
};

const channelRow = (id: string) => withTenant(ws, async (db) => (await db.select().from(channels).where(eq(channels.id, id)))[0]);
const messageCount = (channelId: string) => withTenant(ws, (db) => db.$count(messages, eq(messages.channelId, channelId)));

describe("posting and listing", () => {
  it("posts with a per-channel seq, records the activity, and lists oldest first", async () => {
    const c = await makeChannel(asOwner);
    const a = await post(asMember, c.slug, "hello there");
    const b = await post(asOwner, c.slug, "hi!");
    expect(a).toMatchObject({ seq: 1, channel_id: c.id, author_member_id: member.memberId, author_name: "A member", kind: "message" });
    expect(b.seq).toBe(2);
    const page = await list(asViewer, c.slug);
    expect(page.messages.map((m) => m.content)).toEqual(["hello there", "hi!"]);
    expect(page).toMatchObject({ has_more_before: false, has_more_after: false, last_message_seq: 2 });
    expect((await channelRow(c.id))?.lastMessageSeq).toBe(2);
    const acts = await withTenant(ws, (db) =>
      db
        .select()
        .from(activities)
        .where(and(eq(activities.channelId, c.id), eq(activities.type, "message.created"))),
    );
    expect(acts.map((x) => x.subjectId).sort()).toEqual([a.id, b.id].sort());
  });

  it("rejects bad content (422, 413) and writes nothing", async () => {
    const c = await makeChannel(asOwner);
    for (const content of ["", "   \n ", "x".repeat(10_001)]) {
      const r = await asMember("POST", ch(c.slug, "/messages"), { content });
      expect(r.status, content.slice(0, 10)).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error", request_id: expect.any(String) });
      expect(r.body.detail[0].loc).toEqual(["body", "content"]);
    }
    const missing = await asMember("POST", ch(c.slug, "/messages"), {});
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0]).toMatchObject({ loc: ["body", "content"], type: "missing" });
    const huge = await asMember("POST", ch(c.slug, "/messages"), { content: "y".repeat(1024 * 1024 + 10) });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe("payload_too_large");
    expect(await messageCount(c.id)).toBe(0);
    expect((await channelRow(c.id))?.lastMessageSeq).toBe(0);
    // 10,000 characters exactly is fine.
    expect((await post(asMember, c.slug, "z".repeat(10_000))).seq).toBe(1);
  });

  it("validates mentions and parents (422, nothing written); replies carry parent_id", async () => {
    const c = await makeChannel(asOwner);
    const other = await makeChannel(asOwner);
    const elsewhere = await post(asOwner, other.slug, "elsewhere");
    const badMention = await asMember("POST", ch(c.slug, "/messages"), {
      content: "hey",
      mentions: [member2.memberId, crypto.randomUUID()],
    });
    expect(badMention.status).toBe(422);
    expect(badMention.body.detail[0].loc).toEqual(["body", "mentions", 1]);
    const badParent = await asMember("POST", ch(c.slug, "/messages"), { content: "re", parent_id: elsewhere.id });
    expect(badParent.status).toBe(422);
    expect(badParent.body.detail[0].loc).toEqual(["body", "parent_id"]);
    expect(await messageCount(c.id)).toBe(0);
    const root = await post(asMember, c.slug, "root");
    const reply = await post(asOwner, c.slug, "reply", { parent_id: root.id });
    expect(reply).toMatchObject({ parent_id: root.id, seq: 2 });
    const thread = await list(asMember, c.slug, `?parent_id=${root.id}`);
    expect(thread.messages.map((m) => m.id)).toEqual([reply.id]);
  });

  it("notifies mentioned members, but not about private channels they cannot open", async () => {
    const pub = await makeChannel(asOwner);
    const m = await post(asMember, pub.slug, "@member2 look", { mentions: [member2.memberId] });
    const priv = await makeChannel(asOwner, { is_private: true, member_ids: [member.memberId] });
    const hidden = await post(asMember, priv.slug, "@member2 secret", { mentions: [member2.memberId] });
    const rows = await withTenant(ws, (db) =>
      db
        .select()
        .from(notifications)
        .where(and(eq(notifications.recipientMemberId, member2.memberId), eq(notifications.eventType, "mentioned"))),
    );
    const about = rows.map((r) => (r.data as { message_id?: string }).message_id);
    expect(about).toContain(m.id);
    expect(about).not.toContain(hidden.id);
  });

  it("viewers read but cannot post; other workspaces and private channels are 404", async () => {
    const c = await makeChannel(asOwner);
    const r = await asViewer("POST", ch(c.slug, "/messages"), { content: "can I?" });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("forbidden");
    expect((await asViewer("GET", ch(c.slug, "/messages"))).status).toBe(200);
    const priv = await makeChannel(asOwner, { is_private: true, member_ids: [member.memberId] });
    await post(asMember, priv.slug, "just us");
    for (const [method, path, body] of [
      ["GET", ch(priv.slug, "/messages"), undefined],
      ["POST", ch(priv.slug, "/messages"), { content: "let me in" }],
      ["GET", ch(priv.slug, "/read-status"), undefined],
      ["POST", ch(priv.slug, "/mark-read"), undefined],
    ] as const) {
      const res = await asMember2(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // A channel of another workspace does not exist for this one.
    const theirs = await call("POST", "/api/v1/channels", {
      token: outsider.token,
      workspace: outsider.workspaceId,
      body: { name: uniqueName() },
    });
    expect(theirs.status).toBe(201);
    expect((await asOwner("GET", ch(theirs.body.slug, "/messages"))).status).toBe(404);
  });
});

describe("editing and deleting", () => {
  it("only the author edits (403 for others, even admins); edited_at is set", async () => {
    const c = await makeChannel(asOwner);
    const m = await post(asMember, c.slug, "typo");
    for (const by of [asMember2, asOwner, asAdmin]) {
      const r = await by("PUT", ch(c.slug, `/messages/${m.id}`), { content: "hijacked" });
      expect(r.status).toBe(403);
    }
    const bad = await asMember("PUT", ch(c.slug, `/messages/${m.id}`), { content: "" });
    expect(bad.status).toBe(422);
    const ok = await asMember("PUT", ch(c.slug, `/messages/${m.id}`), { content: "fixed" });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: m.id, seq: m.seq, content: "fixed", is_edited: true, edited_at: expect.any(String) });
    expect((await list(asMember, c.slug)).messages.map((x) => x.content)).toEqual(["fixed"]);
    expect((await asMember("PUT", ch(c.slug, `/messages/${crypto.randomUUID()}`), { content: "x" })).status).toBe(404);
  });

  it("the author or a channel manager deletes (soft); others get 403", async () => {
    const c = await makeChannel(asMember); // member is this channel's admin
    const a = await post(asMember2, c.slug, "one");
    const b = await post(asMember2, c.slug, "two");
    const d = await post(asMember2, c.slug, "three");
    expect((await asViewer("DELETE", ch(c.slug, `/messages/${a.id}`))).status).toBe(403);
    expect((await asMember2("DELETE", ch(c.slug, `/messages/${a.id}`))).status).toBe(204);
    expect((await asMember("DELETE", ch(c.slug, `/messages/${b.id}`))).status).toBe(204); // channel admin
    expect((await asAdmin("DELETE", ch(c.slug, `/messages/${d.id}`))).status).toBe(204); // workspace admin
    expect((await asMember2("DELETE", ch(c.slug, `/messages/${a.id}`))).status).toBe(404);
    expect((await list(asMember, c.slug)).messages).toEqual([]);
    const tomb = await list(asMember, c.slug, "?include_deleted=true");
    expect(tomb.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, ""],
      [2, ""],
      [3, ""],
    ]);
    const rows = await withTenant(ws, (db) => db.select().from(messages).where(eq(messages.channelId, c.id)));
    expect(rows.every((r) => r.deletedAt !== null && r.content.length > 0)).toBe(true);
  });
});

describe("cursor pagination", () => {
  let slug: string;
  let ids: string[] = [];
  beforeAll(async () => {
    slug = (await makeChannel(asOwner)).slug;
    ids = [];
    for (let i = 1; i <= 10; i++) ids.push((await post(i % 2 ? asMember : asOwner, slug, `m${i}`)).id);
  });
  const seqs = (p: { messages: { seq: number }[] }) => p.messages.map((m) => m.seq);

  it("defaults to the newest page; before/after walk it; around centres on a message", async () => {
    const newest = await list(asMember, slug, "?limit=3");
    expect(seqs(newest)).toEqual([8, 9, 10]);
    expect(newest).toMatchObject({ has_more_before: true, has_more_after: false });
    const older = await list(asMember, slug, `?limit=3&before=${newest.messages[0]?.id}`);
    expect(seqs(older)).toEqual([5, 6, 7]);
    expect(older).toMatchObject({ has_more_before: true, has_more_after: true });
    const oldest = await list(asMember, slug, "?limit=5&before=5");
    expect(seqs(oldest)).toEqual([1, 2, 3, 4]);
    expect(oldest.has_more_before).toBe(false);
    const newer = await list(asMember, slug, `?limit=4&after=${ids[5]}`);
    expect(seqs(newer)).toEqual([7, 8, 9, 10]);
    expect(newer).toMatchObject({ has_more_before: true, has_more_after: false });
    const around = await list(asMember, slug, `?limit=4&around=${ids[4]}`);
    expect(seqs(around)).toEqual([3, 4, 5, 6]);
    expect(around).toMatchObject({ has_more_before: true, has_more_after: true });
    const edge = await list(asMember, slug, "?limit=5&around=1");
    expect(seqs(edge)).toEqual([1, 2, 3]);
    expect(edge.has_more_before).toBe(false);
  });

  it("rejects bad cursors and limits", async () => {
    for (const q of ["?limit=101", "?limit=0", "?before=1&after=2", "?around=abc", "?before=-1"]) {
      expect((await asMember("GET", ch(slug, `/messages${q}`))).status, q).toBe(422);
    }
    expect((await asMember("GET", ch(slug, `/messages?before=${crypto.randomUUID()}`))).status).toBe(404);
  });
});

describe("read markers", () => {
  it("never move backwards, count unread from others, and need participation", async () => {
    const c = await makeChannel(asOwner, { member_ids: [member.memberId, member2.memberId] });
    const ms = [];
    for (let i = 1; i <= 6; i++) ms.push(await post(i === 6 ? asMember : asOwner, c.slug, `n${i}`));
    const initial = await asMember("GET", ch(c.slug, "/read-status"));
    expect(initial.body).toMatchObject({ is_participant: true, last_read_seq: 0, last_read_message_id: null, unread_count: 5 });

    const at4 = await asMember("POST", ch(c.slug, `/mark-read?message_id=${ms[3]?.id}`));
    expect(at4.status).toBe(200);
    expect(at4.body).toMatchObject({
      last_read_seq: 4,
      last_read_message_id: ms[3]?.id,
      unread_count: 1,
      last_read_at: expect.any(String),
    });
    // Scrolling up: marking an older message keeps the saved position.
    const back = await asMember("POST", ch(c.slug, `/mark-read?message_id=${ms[1]?.id}`));
    expect(back.body).toMatchObject({ last_read_seq: 4, last_read_message_id: ms[3]?.id, unread_count: 1 });
    expect((await asMember("GET", ch(c.slug, "/read-status"))).body.last_read_seq).toBe(4);
    const latest = await asMember("POST", ch(c.slug, "/mark-read"));
    expect(latest.body).toMatchObject({ last_read_seq: 6, last_read_message_id: ms[5]?.id, unread_count: 0 });

    expect((await asMember("POST", ch(c.slug, `/mark-read?message_id=${crypto.randomUUID()}`))).status).toBe(404);
    expect((await asMember("POST", ch(c.slug, "/mark-read?message_id=nope"))).status).toBe(422);
    // Not a participant: no read position.
    expect((await asViewer("GET", ch(c.slug, "/read-status"))).body).toMatchObject({ is_participant: false, unread_count: 0 });
    expect((await asViewer("POST", ch(c.slug, "/mark-read"))).status).toBe(403);
  });

  it("unread counts cover every channel you participate in, minus your own and deleted messages", async () => {
    const a = await makeChannel(asOwner, { member_ids: [member2.memberId] });
    const b = await makeChannel(asOwner, { member_ids: [member2.memberId] });
    const notMine = await makeChannel(asOwner);
    await post(asOwner, a.slug, "a1");
    const a2 = await post(asOwner, a.slug, "a2");
    await post(asOwner, a.slug, "a3");
    await post(asMember2, a.slug, "mine");
    await post(asOwner, b.slug, "b1");
    await post(asOwner, notMine.slug, "x");
    expect((await asOwner("DELETE", ch(a.slug, `/messages/${a2.id}`))).status).toBe(204);
    const r = await asMember2("GET", "/api/v1/channels/unread-counts");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const by = Object.fromEntries((r.body.channels as { channel_slug: string; unread_count: number }[]).map((x) => [x.channel_slug, x]));
    expect(by[a.slug]).toMatchObject({ unread_count: 2, last_message_seq: 4, last_read_seq: 0 });
    expect(by[b.slug]).toMatchObject({ unread_count: 1 });
    expect(by[notMine.slug]).toBeUndefined();
    await asMember2("POST", ch(b.slug, "/mark-read"));
    const after = await asMember2("GET", "/api/v1/channels/unread-counts");
    const again = Object.fromEntries(
      (after.body.channels as { channel_slug: string; unread_count: number }[]).map((x) => [x.channel_slug, x]),
    );
    expect(again[b.slug]?.unread_count).toBe(0);
    expect(after.body.total_unread).toBe(
      (after.body.channels as { unread_count: number; is_muted: boolean }[]).reduce((s, x) => s + (x.is_muted ? 0 : x.unread_count), 0),
    );
  });
});

describe("squash and restore", () => {
  it("squashes above a message into a summary in their place, and restore brings them back", async () => {
    const c = await makeChannel(asOwner, { member_ids: [member2.memberId] });
    const ms = [];
    for (let i = 1; i <= 5; i++) ms.push(await post(asMember, c.slug, `s${i}`));
    const before = await list(asMember, c.slug);
    const squashUrl = (id: string | undefined, q: string) => ch(c.slug, `/messages/${id}/squash?${q}`);

    expect((await asMember("POST", squashUrl(ms[3]?.id, "direction=above&summary=nope"))).status).toBe(403);
    expect((await asOwner("POST", squashUrl(ms[3]?.id, "direction=sideways&summary=x"))).status).toBe(422);
    expect((await asOwner("POST", squashUrl(ms[3]?.id, "direction=above"))).status).toBe(422);
    expect((await asOwner("POST", squashUrl(ms[0]?.id, "direction=above&summary=x"))).status).toBe(400);

    const r = await asOwner("POST", squashUrl(ms[3]?.id, `direction=above&summary=${encodeURIComponent("Three greetings")}`));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ squashed_count: 3, squashed_message_ids: ms.slice(0, 3).map((m) => m.id) });
    const summary = r.body.summary as { id: string; seq: number; kind: string; content: string; squashed_count: number };
    expect(summary).toMatchObject({ kind: "summary", seq: 3, content: "Three greetings", squashed_count: 3 });

    const squashedView = await list(asMember, c.slug);
    expect(squashedView.messages.map((m) => [m.seq, m.kind])).toEqual([
      [3, "summary"],
      [4, "message"],
      [5, "message"],
    ]);
    const inside = await asMember("GET", ch(c.slug, `/messages/${summary.id}/squashed`));
    expect(inside.status).toBe(200);
    expect(inside.body.messages.map((m: { content: string }) => m.content)).toEqual(["s1", "s2", "s3"]);
    expect(inside.body).toMatchObject({ total: 3, summary: { id: summary.id } });
    expect((await list(asMember, c.slug, "?include_squashed=true")).messages.map((m) => m.seq)).toEqual([1, 2, 3, 3, 4, 5]);
    // Squashed messages no longer count as unread.
    expect((await asMember2("GET", ch(c.slug, "/read-status"))).body.unread_count).toBe(3);
    expect((await asMember("GET", ch(c.slug, `/messages/${ms[4]?.id}/squashed`))).status).toBe(404);

    expect((await asMember("POST", ch(c.slug, `/messages/${summary.id}/restore`))).status).toBe(403);
    const restored = await asOwner("POST", ch(c.slug, `/messages/${summary.id}/restore`));
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body).toMatchObject({ summary_id: summary.id, restored_count: 3 });
    const after = await list(asMember, c.slug);
    expect(after.messages.map((m) => [m.id, m.seq, m.content])).toEqual(before.messages.map((m) => [m.id, m.seq, m.content]));
    expect((await asOwner("POST", ch(c.slug, `/messages/${summary.id}/restore`))).status).toBe(404);
    expect((await withTenant(ws, (db) => db.select().from(messages).where(eq(messages.id, summary.id)))).length).toBe(0);
  });

  it("channel admins squash below; summaries nest and restore from the outside in", async () => {
    const c = await makeChannel(asMember); // member is channel admin
    const ms = [];
    for (let i = 1; i <= 6; i++) ms.push(await post(asMember2, c.slug, `t${i}`));
    const inner = await asMember("POST", ch(c.slug, `/messages/${ms[3]?.id}/squash?direction=below&summary=tail`));
    expect(inner.status, JSON.stringify(inner.body)).toBe(200);
    expect(inner.body.summary).toMatchObject({ seq: 6, squashed_count: 2 });
    const outer = await asMember("POST", ch(c.slug, `/messages/${ms[1]?.id}/squash?direction=below&summary=everything`));
    expect(outer.status).toBe(200);
    expect(outer.body.squashed_message_ids).toEqual([ms[2]?.id, ms[3]?.id, inner.body.summary.id]);
    expect((await list(asMember, c.slug)).messages.map((m) => m.content)).toEqual(["t1", "t2", "everything"]);
    expect((await asMember("POST", ch(c.slug, `/messages/${inner.body.summary.id}/restore`))).status).toBe(409);
    expect((await asMember("POST", ch(c.slug, `/messages/${outer.body.summary.id}/restore`))).status).toBe(200);
    expect((await list(asMember, c.slug)).messages.map((m) => m.content)).toEqual(["t1", "t2", "t3", "t4", "tail"]);
    expect((await asMember("POST", ch(c.slug, `/messages/${inner.body.summary.id}/restore`))).status).toBe(200);
    expect((await list(asMember, c.slug)).messages.map((m) => m.content)).toEqual(["t1", "t2", "t3", "t4", "t5", "t6"]);
    // New messages keep counting from the channel's sequence.
    expect((await post(asMember2, c.slug, "t7")).seq).toBe(7);
  });
});

describe("summarize", () => {
  it("returns the dev model's deterministic summary of the messages above", async () => {
    const c = await makeChannel(asOwner);
    await post(asMember, c.slug, "Shall we ship on Friday?");
    await post(asOwner, c.slug, "Yes, after the review.");
    const ref = await post(asMember, c.slug, "Great");
    await post(asMember, c.slug, "After the reference");
    const r = await asMember("POST", ch(c.slug, `/messages/${ref.id}/summarize?direction=above`));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const transcript = `Conversation in #${c.name}:\nA member: Shall we ship on Friday?\nAda Lovelace: Yes, after the review.`;
    expect(r.body).toEqual({
      summary: `[${DEV_MODEL} development model] You said: ${transcript}`,
      direction: "above",
      message_count: 2,
      from_seq: 1,
      to_seq: 2,
      model: expect.any(String),
    });
    expect(SUMMARY_INSTRUCTIONS.length).toBeGreaterThan(0);
    const below = await asMember("POST", ch(c.slug, `/messages/${ref.id}/summarize?direction=below&limit=5`));
    expect(below.body).toMatchObject({ message_count: 1, from_seq: 4, to_seq: 4 });
    expect((await asMember("POST", ch(c.slug, `/messages/${ref.id}/summarize?direction=above&limit=201`))).status).toBe(422);
    expect((await asMember("POST", ch(c.slug, `/messages/${ref.id}/summarize`))).status).toBe(422);
    // Viewers have no can_use_ai.
    expect((await asViewer("POST", ch(c.slug, `/messages/${ref.id}/summarize?direction=above`))).status).toBe(403);
    // Nothing stored.
    expect(await messageCount(c.id)).toBe(4);
  });
});

describe("live endpoints: access when opening", () => {
  it("a private channel's stream and socket are 404 for non-members; the socket needs an upgrade", async () => {
    const priv = await makeChannel(asOwner, { is_private: true, member_ids: [member.memberId] });
    const headers = (token: string) => ({ authorization: `Bearer ${token}`, "x-workspace-id": ws });
    const stream = await raw(ch(priv.slug, "/stream"), { headers: headers(member2.token) });
    expect(stream.status).toBe(404);
    const sock = await raw(ch(priv.slug, "/ws"), { headers: { ...headers(member2.token), upgrade: "websocket" } });
    expect(sock.status).toBe(404);
    const plain = await raw(ch(priv.slug, "/ws"), { headers: headers(member.token) });
    expect(plain.status).toBe(400);
  });
});

describe("contract", () => {
  it("serves every conversation endpoint in the OpenAPI document", async () => {
    const r = await call("GET", "/openapi.json");
    expect(r.status).toBe(200);
    const paths = r.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    const m = "/api/v1/channels/{channel_slug}/messages/{message_id}";
    for (const [method, path] of [
      ["get", "/api/v1/channels/unread-counts"],
      ["get", "/api/v1/channels/{channel_slug}/messages"],
      ["post", "/api/v1/channels/{channel_slug}/messages"],
      ["put", m],
      ["delete", m],
      ["get", `${m}/squashed`],
      ["post", `${m}/squash`],
      ["post", `${m}/restore`],
      ["post", `${m}/summarize`],
      ["get", "/api/v1/channels/{channel_slug}/read-status"],
      ["post", "/api/v1/channels/{channel_slug}/mark-read"],
      ["get", "/api/v1/channels/{channel_slug}/stream"],
      ["get", "/api/v1/channels/{channel_slug}/ws"],
    ] as const) {
      expect(paths[path]?.[method], `${method} ${path}`).toBeTruthy();
    }
    expect(Object.keys(paths["/api/v1/channels/{channel_slug}/ws"]?.get?.responses ?? {})).toContain("101");
    expect(r.body.components.schemas.ChannelMessage).toBeTruthy();
  });
});

const slugPath = "/api/v1/channels/general";
const msgPath = `${slugPath}/messages/${"0".repeat(8)}-0000-7000-8000-${"0".repeat(12)}`;
describeSecurity("channel conversation", [
  { method: "GET", path: "/api/v1/channels/unread-counts", workspace: true },
  { method: "GET", path: `${slugPath}/messages`, workspace: true },
  { method: "POST", path: `${slugPath}/messages`, body: { content: "hi" }, workspace: true },
  { method: "PUT", path: msgPath, body: { content: "hi" }, workspace: true },
  { method: "DELETE", path: msgPath, workspace: true },
  { method: "GET", path: `${slugPath}/read-status`, workspace: true },
  { method: "POST", path: `${slugPath}/mark-read`, workspace: true },
  { method: "POST", path: `${msgPath}/squash?direction=above&summary=x`, workspace: true },
  { method: "POST", path: `${msgPath}/restore`, workspace: true },
  { method: "GET", path: `${msgPath}/squashed`, workspace: true },
  { method: "POST", path: `${msgPath}/summarize?direction=above`, workspace: true },
  { method: "GET", path: `${slugPath}/stream`, workspace: true },
  { method: "GET", path: `${slugPath}/ws`, workspace: true },
]);
