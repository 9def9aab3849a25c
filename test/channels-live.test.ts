// Live channels through the real app and the real ChannelRoom Durable Object: SSE streams,
// resumption with Last-Event-ID, read/edit/squash events, typing and presence over WebSockets,
// and streams ending when access is revoked.
import { beforeAll, describe, expect, it } from "vitest";
import type { RoomEvent } from "../durable-objects/event-room";
import { roomClient } from "../src/platform/clients/rooms";
import { call, env, type Joined, join, raw, readSse, type SignedUp, signup } from "./harness";

let owner: SignedUp;
let member: Joined;
let member2: Joined;
let viewer: Joined;
let ws: string;

beforeAll(async () => {
  owner = await signup();
  ws = owner.workspaceId;
  member = await join(owner, "member");
  member2 = await join(owner, "member");
  viewer = await join(owner, "viewer");
});

type Who = { token: string };
type Sse = { id?: string; event?: string; data: any };
const ch = (slug: string, rest = "") => `/api/v1/channels/${slug}${rest}`;
const auth = (who: Who) => ({ authorization: `Bearer ${who.token}`, "x-workspace-id": ws });
const api = (who: Who, method: string, path: string, body?: unknown) => call(method, path, { token: who.token, workspace: ws, body });

let n = 0;
async function makeChannel(body: Record<string, unknown> = {}) {
  const r = await api(owner, "POST", "/api/v1/channels", { name: `Live ${Date.now().toString(36)}${(n++).toString(36)}`, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; slug: string; name: string };
}

async function post(who: Who, slug: string, content: string) {
  const r = await api(who, "POST", ch(slug, "/messages"), { content });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; seq: number };
}

async function openStream(who: Who, slug: string, opts: { lastEventId?: string; query?: string } = {}) {
  const headers: Record<string, string> = { ...auth(who), accept: "text/event-stream" };
  if (opts.lastEventId) headers["last-event-id"] = opts.lastEventId;
  const res = await raw(ch(slug, `/stream${opts.query ?? ""}`), { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  return res;
}

const messagesOf = (events: Sse[]) => events.filter((e) => e.event === "message");
const untilMessages = (count: number) => {
  let seen = 0;
  return (e: Sse) => e.event === "message" && ++seen === count;
};

/** The room of a channel, for comparing what a client got with what the room holds. */
const room = (channelId: string) => roomClient(env.CHANNEL_ROOM.get(env.CHANNEL_ROOM.idFromName(`${ws}:${channelId}`)));

async function waitFor<T>(f: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Socket {
  sock: WebSocket;
  frames: any[];
  closed: { code: number; reason: string } | undefined;
}

async function openSocket(who: Who, slug: string, since?: number): Promise<Socket> {
  const res = await raw(ch(slug, `/ws${since !== undefined ? `?since=${since}` : ""}`), {
    headers: { ...auth(who), upgrade: "websocket" },
  });
  expect(res.status).toBe(101);
  const sock = res.webSocket as WebSocket;
  const s: Socket = { sock, frames: [], closed: undefined };
  sock.accept();
  sock.addEventListener("message", (m) => {
    s.frames.push(m.data === "pong" ? "pong" : JSON.parse(m.data as string));
  });
  sock.addEventListener("close", (e) => {
    s.closed = { code: e.code, reason: e.reason };
  });
  return s;
}

describe("channel streams", () => {
  it("two members exchange messages and both SSE streams receive them in order", async () => {
    const c = await makeChannel({ member_ids: [member.memberId, member2.memberId] });
    const [a, b] = await Promise.all([openStream(member, c.slug), openStream(member2, c.slug)]);
    const readA = readSse(a, untilMessages(4));
    const readB = readSse(b, untilMessages(4));
    await post(member, c.slug, "ping 1");
    await post(member2, c.slug, "pong 2");
    await post(member, c.slug, "ping 3");
    await post(member2, c.slug, "pong 4");
    const [ea, eb] = await Promise.all([readA, readB]);
    for (const events of [ea, eb]) {
      const msgs = messagesOf(events);
      expect(msgs.map((e) => [e.data.seq, e.data.content])).toEqual([
        [1, "ping 1"],
        [2, "pong 2"],
        [3, "ping 3"],
        [4, "pong 4"],
      ]);
      const ids = events.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ids.length);
    }
    // Same room events, same ids, for both.
    expect(messagesOf(ea).map((e) => e.id)).toEqual(messagesOf(eb).map((e) => e.id));
    expect(messagesOf(ea)[0]?.data).toMatchObject({ author_member_id: member.memberId, author_name: "A member", kind: "message" });
  });

  it("a reconnect with Last-Event-ID (or ?since=) replays exactly the gap, in order, without duplicates", async () => {
    const c = await makeChannel({ member_ids: [member.memberId] });
    const first = await openStream(member, c.slug);
    const reading = readSse(first, untilMessages(2));
    await post(owner, c.slug, "one");
    const two = await post(owner, c.slug, "two");
    const seen = await reading;
    const lastId = seen.at(-1)?.id as string;
    expect(seen.at(-1)?.data.id).toBe(two.id);

    // While disconnected: three messages, an edit and a deletion.
    const three = await post(owner, c.slug, "three");
    await post(member, c.slug, "four");
    const five = await post(owner, c.slug, "five");
    expect((await api(owner, "PUT", ch(c.slug, `/messages/${three.id}`), { content: "three!" })).status).toBe(200);
    expect((await api(owner, "DELETE", ch(c.slug, `/messages/${five.id}`))).status).toBe(204);

    const isLast = (e: Sse) => e.event === "message_deleted";
    const resumed = await readSse(await openStream(member, c.slug, { lastEventId: lastId }), isLast);
    const bySince = await readSse(await openStream(member, c.slug, { query: `?since=${lastId}` }), isLast);
    const held = (await room(c.id).replay(Number(lastId))) as unknown as RoomEvent[];
    for (const got of [resumed, bySince]) {
      const ids = got.map((e) => Number(e.id));
      // Consecutive room ids from the one after Last-Event-ID: nothing missed, nothing twice.
      expect(ids).toEqual(ids.map((_, i) => Number(lastId) + 1 + i));
      expect(got.map((e) => [Number(e.id), e.event])).toEqual(held.slice(0, got.length).map((e) => [e.id, e.event]));
      const changes = got.filter((e) => e.event !== "presence");
      expect(changes.map((e) => [e.event, e.data.content ?? e.data.id])).toEqual([
        ["message", "three"],
        ["message", "four"],
        ["message", "five"],
        ["message_updated", "three!"],
        ["message_deleted", five.id],
      ]);
    }
  });

  it("publishes read markers only when they move forward", async () => {
    const c = await makeChannel({ member_ids: [member.memberId, member2.memberId] });
    const ms = [await post(owner, c.slug, "a"), await post(owner, c.slug, "b"), await post(owner, c.slug, "c")];
    const s = await openStream(owner, c.slug, { query: `?since=${(await room(c.id).replay(0)).length}` });
    const reading = readSse(s, (e) => e.event === "message" && e.data.content === "marker");
    expect((await api(member2, "POST", ch(c.slug, `/mark-read?message_id=${ms[2]?.id}`))).body.last_read_seq).toBe(3);
    expect((await api(member2, "POST", ch(c.slug, `/mark-read?message_id=${ms[0]?.id}`))).body.last_read_seq).toBe(3);
    expect((await api(member2, "POST", ch(c.slug, "/mark-read"))).body.last_read_seq).toBe(3);
    await post(owner, c.slug, "marker");
    const reads = (await reading).filter((e) => e.event === "read");
    expect(reads.map((e) => e.data)).toEqual([
      { member_id: member2.memberId, last_read_seq: 3, last_read_message_id: ms[2]?.id, last_read_at: expect.any(String) },
    ]);
  });

  it("squash and restore are events too", async () => {
    const c = await makeChannel();
    const ms = [await post(owner, c.slug, "x1"), await post(owner, c.slug, "x2"), await post(owner, c.slug, "x3")];
    const s = await openStream(owner, c.slug, { query: "?since=3" });
    const reading = readSse(s, (e) => e.event === "messages_restored");
    const sq = await api(owner, "POST", ch(c.slug, `/messages/${ms[2]?.id}/squash?direction=above&summary=two`));
    expect(sq.status).toBe(200);
    expect((await api(owner, "POST", ch(c.slug, `/messages/${sq.body.summary.id}/restore`))).status).toBe(200);
    const events = (await reading).filter((e) => e.event !== "presence");
    expect(events.map((e) => e.event)).toEqual(["messages_squashed", "messages_restored"]);
    expect(events[0]?.data).toMatchObject({
      summary: { kind: "summary", seq: 2 },
      squashed_message_ids: [ms[0]?.id, ms[1]?.id],
      direction: "above",
    });
    expect(events[1]?.data).toMatchObject({ summary_id: sq.body.summary.id, restored_count: 2 });
  });
});

describe("channel WebSockets", () => {
  it("replays from ?since=, relays typing (throttled, not for viewers) and presence", async () => {
    const c = await makeChannel({ member_ids: [member.memberId, member2.memberId] });
    await post(owner, c.slug, "before");
    const watcher = await openStream(member2, c.slug);
    const reading = readSse(watcher, (e) => e.event === "message" && e.data.content === "after");

    const sock = await openSocket(member, c.slug, 0);
    await waitFor(() => sock.frames.find((f) => f.event === "presence" && f.data.member_id === member.memberId), "own presence");
    expect(sock.frames[0]).toMatchObject({ id: 1, event: "message", data: { content: "before" } });
    const presence = sock.frames.find((f) => f.event === "presence" && f.data.member_id === member.memberId);
    expect(presence.data).toMatchObject({ status: "online", online: expect.arrayContaining([member.memberId, member2.memberId]) });

    sock.sock.send("ping");
    await waitFor(() => sock.frames.includes("pong"), "pong");
    sock.sock.send(JSON.stringify({ type: "wave" }));
    await waitFor(() => sock.frames.find((f) => f.event === "error"), "error frame");
    sock.sock.send(JSON.stringify({ type: "typing" }));
    sock.sock.send(JSON.stringify({ type: "typing" })); // throttled
    sock.sock.send(JSON.stringify({ type: "typing", is_typing: false }));
    const view = await openSocket(viewer, c.slug);
    view.sock.send(JSON.stringify({ type: "typing" })); // viewers cannot post: ignored
    await waitFor(() => view.frames.find((f) => f.event === "presence" && f.data.member_id === viewer.memberId), "viewer presence");
    view.sock.close(1000, "bye");
    await waitFor(
      () => sock.frames.find((f) => f.event === "presence" && f.data.member_id === viewer.memberId && f.data.status === "offline"),
      "viewer offline",
    );
    await post(owner, c.slug, "after");

    const events = await reading;
    const typing = events.filter((e) => e.event === "typing").map((e) => e.data);
    expect(typing).toEqual([
      { member_id: member.memberId, is_typing: true },
      { member_id: member.memberId, is_typing: false },
    ]);
    // The socket got the same numbered events as the SSE stream.
    await waitFor(() => sock.frames.find((f) => f.event === "message" && f.data.content === "after"), "after on the socket");
    const numbered = sock.frames.filter((f) => typeof f === "object" && typeof f.id === "number" && f.id > 1);
    const sseTail = events.filter((e) => Number(e.id) >= numbered[0].id).map((e) => [Number(e.id), e.event]);
    expect(numbered.map((f) => [f.id, f.event]).slice(0, sseTail.length)).toEqual(sseTail);

    sock.sock.close(1000, "done");
    const tail = await readSse(
      await openStream(owner, c.slug, { query: `?since=${events.at(-1)?.id}` }),
      (e) => e.event === "presence" && e.data.member_id === member.memberId,
    );
    expect(tail.at(-1)?.data).toMatchObject({ status: "offline", member_id: member.memberId });
  });

  it("revoking access ends the member's stream and closes their socket (4403)", async () => {
    const c = await makeChannel({ is_private: true });
    const grant = await api(owner, "POST", ch(c.slug, "/access"), { member_id: member2.memberId });
    expect(grant.status, JSON.stringify(grant.body)).toBe(201);
    await post(owner, c.slug, "for your eyes");
    const stream = await openStream(member2, c.slug);
    const sock = await openSocket(member2, c.slug);
    const untilEnd = readSse(stream); // no predicate: returns when the stream closes
    await waitFor(() => sock.frames.find((f) => f.event === "presence"), "presence");
    const revoke = await api(owner, "DELETE", ch(c.slug, `/access/members/${member2.memberId}`));
    expect(revoke.status, JSON.stringify(revoke.body)).toBe(204);
    const events = await untilEnd;
    expect(events.at(-1)).toMatchObject({ event: "access_revoked", data: { member_id: member2.memberId } });
    await waitFor(() => sock.closed, "socket closed");
    expect(sock.closed?.code).toBe(4403);
    const again = await raw(ch(c.slug, "/stream"), { headers: auth(member2) });
    expect(again.status).toBe(404);
    // The owner's stream is unaffected by member2's revocation.
    const ownerEvents = await readSse(await openStream(owner, c.slug), (e) => e.event === "access_revoked");
    expect(ownerEvents.at(-1)?.data.member_id).toBe(member2.memberId);
  });
});
