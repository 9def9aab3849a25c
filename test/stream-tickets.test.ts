// Stream tickets: how a browser (EventSource, WebSocket: no headers) opens authenticated streams.
// Each test performs what a ticket's holder could try and checks they can do no more.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { signStreamTicket } from "../src/platform/jwt";
import { call, env, type Joined, join, raw, readSse, type SignedUp, signup } from "./harness";

let owner: SignedUp;
let member: Joined;
let outsider: SignedUp;
let ws: string;

beforeAll(async () => {
  [owner, outsider] = await Promise.all([signup(), signup()]);
  ws = owner.workspaceId;
  member = await join(owner, "member");
});

afterEach(() => {
  vi.restoreAllMocks();
});

type Who = { token: string };
const ch = (slug: string, rest = "") => `/api/v1/channels/${slug}${rest}`;
const api = (who: Who, method: string, path: string, body?: unknown, workspace = ws) =>
  call(method, path, { token: who.token, workspace, body });

async function ticketFor(who: Who, stream?: string, workspace = ws): Promise<string> {
  const r = await api(who, "POST", "/api/v1/auth/stream-tickets", stream === undefined ? {} : { stream }, workspace);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body).toMatchObject({ workspace_id: workspace, stream: stream ?? null, expires_in: 60 });
  return r.body.ticket as string;
}

let n = 0;
async function makeChannel(body: Record<string, unknown> = {}) {
  const r = await api(owner, "POST", "/api/v1/channels", { name: `Tickets ${Date.now().toString(36)}${(n++).toString(36)}`, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string; slug: string };
}

async function post(who: Who, slug: string, content: string) {
  const r = await api(who, "POST", ch(slug, "/messages"), { content });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

/** A stream opened the way EventSource does: no Authorization, no X-Workspace-Id. */
const openWithTicket = (path: string, ticket: string, headers: Record<string, string> = {}) =>
  raw(`${path}${path.includes("?") ? "&" : "?"}ticket=${encodeURIComponent(ticket)}`, {
    headers: { accept: "text/event-stream", ...headers },
  });

describe("stream tickets", () => {
  it("open a channel stream without headers; the browser's reconnect (Last-Event-ID) resumes; a second open does not", async () => {
    const c = await makeChannel();
    await post(owner, c.slug, "one");
    const ticket = await ticketFor(member, ch(c.slug, "/stream"));
    const res = await openWithTicket(ch(c.slug, "/stream"), ticket);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const first = await readSse(res, (e) => e.event === "message");
    expect(first.at(-1)?.data.content).toBe("one");
    const lastId = first.at(-1)?.id as string;

    await post(owner, c.slug, "two");
    // The same URL again, as EventSource's automatic reconnect sends it: allowed, replays the gap.
    const resumed = await openWithTicket(ch(c.slug, "/stream"), ticket, { "last-event-id": lastId });
    expect(resumed.status).toBe(200);
    const gap = await readSse(resumed, (e) => e.event === "message");
    expect(gap.filter((e) => e.event === "message").map((e) => e.data.content)).toEqual(["two"]);

    // Anyone else holding the URL (no Last-Event-ID): single use.
    const replay = await openWithTicket(ch(c.slug, "/stream"), ticket);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { code: string }).code).toBe("invalid_token");
  });

  it("opens a channel WebSocket (one use) and the notifications stream", async () => {
    const c = await makeChannel();
    const ticket = await ticketFor(member, ch(c.slug, "/ws"));
    const res = await raw(`${ch(c.slug, "/ws")}?ticket=${ticket}`, { headers: { upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const sock = res.webSocket as WebSocket;
    const frames: { event: string; data: { content?: string } }[] = [];
    sock.accept();
    sock.addEventListener("message", (m) => frames.push(JSON.parse(m.data as string)));
    await post(owner, c.slug, "over the socket");
    for (let i = 0; i < 500 && !frames.some((f) => f.event === "message"); i++) await new Promise((r) => setTimeout(r, 10));
    expect(frames.find((f) => f.event === "message")?.data.content).toBe("over the socket");
    sock.close(1000);
    const again = await raw(`${ch(c.slug, "/ws")}?ticket=${ticket}`, { headers: { upgrade: "websocket" } });
    expect(again.status).toBe(401);

    const nt = await ticketFor(member, "/api/v1/notifications/stream");
    const stream = await openWithTicket("/api/v1/notifications/stream", nt);
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
  });

  it("a workspace ticket opens any one stream of its workspace, then is bound to it", async () => {
    const c = await makeChannel();
    await post(owner, c.slug, "hello");
    const ticket = await ticketFor(member);
    const res = await openWithTicket(ch(c.slug, "/stream"), ticket);
    expect(res.status).toBe(200);
    const events = await readSse(res, (e) => e.event === "message");
    const other = await openWithTicket("/api/v1/notifications/stream", ticket, { "last-event-id": events.at(-1)?.id as string });
    expect(other.status).toBe(401);
  });

  it("is refused on other streams, on every non-stream route, as a bearer token, and in another workspace", async () => {
    const [a, b] = await Promise.all([makeChannel(), makeChannel()]);
    const ticket = await ticketFor(member, ch(a.slug, "/stream"));
    expect((await openWithTicket(ch(b.slug, "/stream"), ticket)).status).toBe(403);
    // Non-stream routes never read ?ticket=.
    const me = await raw(`/api/v1/members/me?ticket=${ticket}`, { headers: { "x-workspace-id": ws } });
    expect(me.status).toBe(401);
    const list = await raw(`/api/v1/channels?ticket=${ticket}`, { headers: { "x-workspace-id": ws } });
    expect(list.status).toBe(401);
    // Not an access token.
    const bearer = await raw("/api/v1/members/me", { headers: { authorization: `Bearer ${ticket}`, "x-workspace-id": ws } });
    expect(bearer.status).toBe(401);
    // The ticket's workspace only: naming another is a 404, and nothing was consumed by it.
    const elsewhere = await openWithTicket(ch(a.slug, "/stream"), ticket, { "x-workspace-id": outsider.workspaceId });
    expect(elsewhere.status).toBe(404);
    const opened = await openWithTicket(ch(a.slug, "/stream"), ticket);
    expect(opened.status).toBe(200);
    await opened.body?.cancel();
    // A tampered ticket; the used one (no Last-Event-ID).
    expect((await openWithTicket(ch(a.slug, "/stream"), ticket)).status).toBe(401);
    const forged = `${ticket.slice(0, -4)}AAAA`;
    expect((await openWithTicket(ch(a.slug, "/stream"), forged)).status).toBe(401);
    // Another workspace's member cannot get a ticket for this workspace.
    const foreign = await api(outsider, "POST", "/api/v1/auth/stream-tickets", {}, ws);
    expect(foreign.status).toBe(404);
  });

  it("must be used within 60 s", async () => {
    const c = await makeChannel();
    const real = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(real - 61_000);
    const late = await signStreamTicket(env.JWT_SECRET, {
      sub: member.userId,
      email: "x@example.test",
      wsid: ws,
      path: ch(c.slug, "/stream"),
    });
    vi.restoreAllMocks();
    const res = await openWithTicket(ch(c.slug, "/stream"), late);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe("token_expired");
  });

  it("checks access when the stream opens and ends it when access is revoked", async () => {
    const c = await makeChannel({ is_private: true });
    // A ticket does not grant what its holder cannot see.
    const blind = await ticketFor(member, ch(c.slug, "/stream"));
    expect((await openWithTicket(ch(c.slug, "/stream"), blind)).status).toBe(404);
    const grant = await api(owner, "POST", ch(c.slug, "/access"), { member_id: member.memberId });
    expect(grant.status, JSON.stringify(grant.body)).toBe(201);
    const res = await openWithTicket(ch(c.slug, "/stream"), await ticketFor(member, ch(c.slug, "/stream")));
    expect(res.status).toBe(200);
    const untilEnd = readSse(res);
    await new Promise((r) => setTimeout(r, 50));
    const revoke = await api(owner, "DELETE", ch(c.slug, `/access/members/${member.memberId}`));
    expect(revoke.status, JSON.stringify(revoke.body)).toBe(204);
    const events = await untilEnd;
    expect(events.at(-1)).toMatchObject({ event: "access_revoked", data: { member_id: member.memberId } });
  });

  it("bad requests: not a stream (422), API keys (403), no credentials says how (401); never logged", async () => {
    const bad = await api(member, "POST", "/api/v1/auth/stream-tickets", { stream: "/api/v1/members/me" });
    expect(bad.status).toBe(422);
    const key = await api(owner, "POST", "/api/v1/api-keys", { name: "ticket test" });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const byKey = await call("POST", "/api/v1/auth/stream-tickets", { token: key.body.key, body: {} });
    expect(byKey.status).toBe(403);
    const none = await raw("/api/v1/notifications/stream");
    expect(none.status).toBe(401);
    expect(((await none.json()) as { detail: string }).detail).toContain("?ticket=");

    const logs: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => {
      logs.push(a.map(String).join(" "));
    });
    const ticket = await ticketFor(member, "/api/v1/notifications/stream");
    const res = await openWithTicket("/api/v1/notifications/stream", ticket);
    expect(res.status).toBe(200);
    await res.body?.cancel();
    vi.restoreAllMocks();
    expect(logs.some((l) => l.includes("/api/v1/notifications/stream"))).toBe(true);
    expect(logs.some((l) => l.includes(ticket) || l.includes(ticket.split(".")[2] as string))).toBe(false);
  });
});
