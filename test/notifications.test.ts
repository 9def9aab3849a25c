import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { EVENT_TYPE_NAMES } from "../src/modules/notifications/catalogue";
import { sendNotificationDigests } from "../src/modules/notifications/digest";
import { type NotifyInput, notify, publishWorkspaceEvent } from "../src/modules/notifications/service";
import { notifications } from "../src/modules/notifications/tables";
import { createContext } from "../src/platform/context";
import type { Db } from "../src/platform/db";
import { emailOutbox } from "../src/platform/email/tables";
import { resolveWorkspace } from "../src/platform/tenancy/resolve";
import { call, databaseUrl, env, type Joined, join, raw, readSse, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const withTenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);

/** A request in `ws` as `who`. */
const as = (who: { token: string }, ws: string) => (method: string, path: string, body?: unknown) =>
  call(method, `/api/v1/notifications${path}`, { token: who.token, workspace: ws, body });

/** notify() through the service, acting as `owner` in their workspace (as other modules call it). */
async function notifyAs(owner: SignedUp, n: NotifyInput) {
  const ctx = createContext({
    env,
    requestId: `test-${crypto.randomUUID()}`,
    actor: { kind: "user", userId: owner.userId, email: owner.email },
    waitUntil: () => {},
  });
  try {
    await resolveWorkspace(ctx, owner.workspaceId, owner.userId);
    await notify(ctx, n);
  } finally {
    await ctx.connections.close();
  }
}

async function workspaceEventAs(owner: SignedUp, eventType: string, data: Record<string, unknown>) {
  const ctx = createContext({
    env,
    requestId: "test-ws-event",
    actor: { kind: "user", userId: owner.userId, email: owner.email },
    waitUntil: () => {},
  });
  try {
    await resolveWorkspace(ctx, owner.workspaceId, owner.userId);
    await publishWorkspaceEvent(ctx, eventType, data);
  } finally {
    await ctx.connections.close();
  }
}

const emailsTo = (to: string, template?: string) =>
  withControl((db) =>
    db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.toAddress, to.toLowerCase()), ...(template ? [eq(emailOutbox.template, template)] : []))),
  );

const storedRows = (ws: string, memberId: string) =>
  withTenant(ws, (db) => db.select().from(notifications).where(eq(notifications.recipientMemberId, memberId)));

describe("notification preferences", () => {
  it("serves the defaults by category and v2 preferences with defaults filled in", async () => {
    const owner = await signup();
    const api = as(owner, owner.workspaceId);
    const defaults = await api("GET", "/defaults");
    expect(defaults.status).toBe(200);
    expect(defaults.body["Assigned Actions"].task_assigned).toMatchObject({
      event_type: "task_assigned",
      inapp_enabled: true,
      email_enabled: true,
      whatsapp_enabled: false,
      muted: false,
      highlight: true,
    });
    expect(defaults.body["Owned Actions"].task_completed).toMatchObject({ inapp_enabled: true, email_enabled: false });
    const all = Object.values(defaults.body).flatMap((c) => Object.keys(c as object));
    expect(all.sort()).toEqual([...EVENT_TYPE_NAMES].sort());
    for (const t of ["task_assigned", "task_completed", "task_due_soon", "mentioned", "channel_message", "goal_updated"]) {
      expect(all).toContain(t);
    }

    const v2 = await api("GET", "/preferences/v2");
    expect(v2.status).toBe(200);
    expect(Object.keys(v2.body).sort()).toEqual([...EVENT_TYPE_NAMES].sort());
    expect(Object.values(v2.body).every((p) => (p as { is_default: boolean }).is_default)).toBe(true);
    expect(v2.body.channel_message).toMatchObject({ category: "Mentions & Messages", inapp_enabled: true, email_enabled: false });

    const put = await api("PUT", "/preferences/v2/task_assigned", { email_enabled: false });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      event_type: "task_assigned",
      inapp_enabled: true,
      email_enabled: false,
      muted: false,
      is_default: false,
    });
    const mute = await api("PUT", "/preferences/v2/task_assigned", { muted: true });
    // Toggles not given keep their stored value.
    expect(mute.body).toMatchObject({ email_enabled: false, muted: true });

    // Unknown event type → 404; bad bodies → 422; nothing written by any of them.
    expect((await api("PUT", "/preferences/v2/no_such_event", { muted: true })).status).toBe(404);
    for (const body of [{}, { muted: "yes" }, { muted: true, extra: 1 }, { inapp_enabled: null }]) {
      const bad = await api("PUT", "/preferences/v2/goal_updated", body);
      expect(bad.status, JSON.stringify(body)).toBe(422);
      expect(bad.body).toMatchObject({ code: "validation_error", detail: expect.any(Array), request_id: expect.any(String) });
    }
    const rows = await api("GET", "/me");
    expect(rows.body.map((r: { event_type: string }) => r.event_type)).toEqual(["task_assigned"]);
    expect((await api("GET", "/preferences/v2")).body.goal_updated.is_default).toBe(true);
  });

  it("v1: creates, updates, bulk-updates, deletes and resets the caller's rows only", async () => {
    const owner = await signup();
    const ws = owner.workspaceId;
    const other = await join(owner, "member");
    const api = as(owner, ws);
    const otherApi = as(other, ws);

    const created = await api("POST", "/me", { event_type: "channel_message", email_enabled: true });
    expect(created.status).toBe(201);
    // Omitted toggles take the event type's defaults.
    expect(created.body).toMatchObject({
      event_type: "channel_message",
      inapp_enabled: true,
      email_enabled: true,
      whatsapp_enabled: false,
      muted: false,
    });
    const id = created.body.id as string;
    expect((await api("POST", "/me", { event_type: "channel_message" })).status).toBe(409);

    for (const body of [{ event_type: "nope" }, {}, { event_type: "mentioned", muted: 1 }, { event_type: "mentioned", foo: true }]) {
      expect((await api("POST", "/me", body)).status, JSON.stringify(body)).toBe(422);
    }
    expect((await api("GET", "/me")).body).toHaveLength(1);

    const upd = await api("PUT", `/me/${id}`, { muted: true });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ id, muted: true, email_enabled: true });
    expect((await api("PUT", `/me/${id}`, {})).status).toBe(422);
    // Another member's row, an unknown id and a malformed id are all 404.
    expect((await otherApi("PUT", `/me/${id}`, { muted: false })).status).toBe(404);
    expect((await otherApi("DELETE", `/me/${id}`)).status).toBe(404);
    expect((await api("PUT", `/me/${crypto.randomUUID()}`, { muted: false })).status).toBe(404);
    expect((await api("DELETE", "/me/not-a-uuid")).status).toBe(404);
    expect((await otherApi("GET", "/me")).body).toEqual([]);

    const bulk = await api("PUT", "/me/bulk", {
      preferences: [
        { event_type: "channel_message", inapp_enabled: false },
        { event_type: "task_assigned", email_enabled: false },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toHaveLength(2);
    const byType = Object.fromEntries(bulk.body.map((r: { event_type: string }) => [r.event_type, r]));
    // The existing row keeps what was not given (muted, email); the new one starts from defaults.
    expect(byType.channel_message).toMatchObject({ id, inapp_enabled: false, muted: true, email_enabled: true });
    expect(byType.task_assigned).toMatchObject({ inapp_enabled: true, email_enabled: false, muted: false });

    for (const body of [
      { preferences: [] },
      { preferences: [{ event_type: "mentioned" }, { event_type: "mentioned", muted: true }] },
      { preferences: [{ event_type: "mentioned" }, { event_type: "bogus" }] },
      { prefs: [] },
    ]) {
      expect((await api("PUT", "/me/bulk", body)).status, JSON.stringify(body)).toBe(422);
    }
    expect((await api("GET", "/me")).body).toHaveLength(2);

    const del = await api("DELETE", `/me/${id}`);
    expect(del.status).toBe(204);
    expect((await api("DELETE", `/me/${id}`)).status).toBe(404);
    expect((await api("GET", "/preferences/v2")).body.channel_message).toMatchObject({ is_default: true, inapp_enabled: true });

    const reset = await api("POST", "/me/reset");
    expect(reset.status).toBe(200);
    expect(reset.body.map((r: { event_type: string }) => r.event_type)).toEqual(EVENT_TYPE_NAMES);
    expect(reset.body.find((r: { event_type: string }) => r.event_type === "task_assigned")).toMatchObject({
      email_enabled: true,
      muted: false,
    });
    expect((await api("GET", "/me")).body).toHaveLength(EVENT_TYPE_NAMES.length);
    expect((await otherApi("GET", "/me")).body).toEqual([]);
  });

  it("gets and sets the email delivery preference", async () => {
    const owner = await signup();
    const api = as(owner, owner.workspaceId);
    expect((await api("GET", "/email-preference")).body).toEqual({
      email_delivery_mode: "instant",
      digest_frequency_minutes: 60,
      last_digest_at: null,
    });
    const set = await api("PUT", "/email-preference", { email_delivery_mode: "digest", digest_frequency_minutes: "30" });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ email_delivery_mode: "digest", digest_frequency_minutes: 30 });
    for (const body of [
      {},
      { digest_frequency_minutes: 45 },
      { email_delivery_mode: "weekly" },
      { email_delivery_mode: "instant", x: 1 },
    ]) {
      expect((await api("PUT", "/email-preference", body)).status, JSON.stringify(body)).toBe(422);
    }
    const back = await api("PUT", "/email-preference", { email_delivery_mode: "instant" });
    // The interval is kept for the next switch to digest.
    expect(back.body).toMatchObject({ email_delivery_mode: "instant", digest_frequency_minutes: 30 });
    expect((await api("GET", "/email-preference")).body).toMatchObject({ email_delivery_mode: "instant", digest_frequency_minutes: 30 });
  });
});

describe("notify()", () => {
  it("applies preferences: muted → nothing; in-app off + instant email → only an email; defaults otherwise", async () => {
    const owner = await signup();
    const ws = owner.workspaceId;
    const m = await join(owner, "member");
    const api = as(m, ws);
    await api("PUT", "/preferences/v2/task_completed", { muted: true });
    await api("PUT", "/preferences/v2/channel_message", { inapp_enabled: false, email_enabled: true });

    const ownerMemberId = (await call("GET", "/api/v1/members/me", { token: owner.token, workspace: ws })).body.id as string;
    // The actor is never notified of their own action; unknown ids are skipped.
    const recipients = [m.memberId, ownerMemberId, crypto.randomUUID()];
    await notifyAs(owner, { recipients, eventType: "task_completed", title: "Done: Ship it" });
    expect((await api("GET", "/list")).body.total).toBe(0);
    expect(await emailsTo(m.email, "notification")).toHaveLength(0);

    await notifyAs(owner, {
      recipients,
      eventType: "channel_message",
      title: "New message in #general",
      body: "hello",
      link: "/channels/general",
    });
    expect((await api("GET", "/list")).body.total).toBe(0);
    const mails = await emailsTo(m.email, "notification");
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ subject: "New message in #general", data: { event_type: "channel_message" } });
    expect(mails[0]?.textBody).toContain("http://");
    expect(mails[0]?.textBody).toContain("/channels/general");

    // task_assigned by default: in-app and an instant email, marked emailed.
    await notifyAs(owner, { recipients, eventType: "task_assigned", title: "You were assigned: Plan", data: { task_id: "t1" } });
    const list = await api("GET", "/list");
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      event_type: "task_assigned",
      title: "You were assigned: Plan",
      actor_member_id: ownerMemberId,
      recipient_member_id: m.memberId,
      data: { task_id: "t1" },
      is_read: false,
      read_at: null,
    });
    expect(await emailsTo(m.email, "notification")).toHaveLength(2);
    const rows = await storedRows(ws, m.memberId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.emailedAt).not.toBeNull();
    // Nothing for the actor.
    expect((await as(owner, ws)("GET", "/list")).body.total).toBe(0);

    // An event type outside the catalogue still arrives in-app (no email).
    await notifyAs(owner, { recipients: [m.memberId], eventType: "custom_event", title: "Something else" });
    expect((await api("GET", "/unread-count")).body).toEqual({ count: 2 });
    expect(await emailsTo(m.email, "notification")).toHaveLength(2);
  });

  it("digest mode: nothing emailed until sendNotificationDigests, then one digest per member, once", async () => {
    const owner = await signup();
    const ws = owner.workspaceId;
    const [a, b] = await Promise.all([join(owner, "member"), join(owner, "admin")]);
    await as(a, ws)("PUT", "/email-preference", { email_delivery_mode: "digest", digest_frequency_minutes: 30 });
    await as(b, ws)("PUT", "/email-preference", { email_delivery_mode: "digest", digest_frequency_minutes: 60 });
    // b does not want mentions in-app, only by email: kept for the digest, never listed.
    await as(b, ws)("PUT", "/preferences/v2/mentioned", { inapp_enabled: false });

    const both = [a.memberId, b.memberId];
    await notifyAs(owner, { recipients: both, eventType: "task_assigned", title: "Assigned: Budget", link: "/tasks/1" });
    await notifyAs(owner, { recipients: both, eventType: "mentioned", title: "Owner mentioned you", body: "@you look" });
    await notifyAs(owner, { recipients: both, eventType: "task_completed", title: "Done: Budget" }); // email off by default
    // (Their invitations came by email; nothing else has.)
    const notInvitations = async (to: string) => (await emailsTo(to)).filter((m) => m.template !== "invitation");
    expect(await notInvitations(a.email)).toHaveLength(0);
    expect(await notInvitations(b.email)).toHaveLength(0);
    expect((await as(b, ws)("GET", "/list")).body.total).toBe(2);

    const t0 = Date.now();
    // The run covers every workspace of the shared test database, and another run (the cron) may
    // claim these first; what must hold is exactly one digest per member, checked below.
    await sendNotificationDigests(env, t0);
    for (const p of [a, b]) {
      const digests = await emailsTo(p.email, "notification_digest");
      expect(digests).toHaveLength(1);
      expect(digests[0]?.data).toMatchObject({ workspace_id: ws, count: 2, highlighted: 2 });
      expect(digests[0]?.subject).toBe("2 new notifications in Analytical Engines");
      expect(digests[0]?.textBody).toContain("Needs your attention");
      expect(digests[0]?.textBody).toContain("Assigned: Budget");
      expect(digests[0]?.textBody).not.toContain("Done: Budget");
      expect(await emailsTo(p.email, "notification")).toHaveLength(0);
    }
    const emailed = await withTenant(ws, (db) =>
      db
        .select()
        .from(notifications)
        .where(and(inArray(notifications.recipientMemberId, both), eq(notifications.eventType, "mentioned"))),
    );
    expect(emailed.every((r) => r.emailedAt !== null && !r.emailPending)).toBe(true);
    expect((await as(a, ws)("GET", "/email-preference")).body.last_digest_at).not.toBeNull();

    // A second run sends nothing new.
    await sendNotificationDigests(env, t0);
    expect(await emailsTo(a.email, "notification_digest")).toHaveLength(1);
    expect(await emailsTo(b.email, "notification_digest")).toHaveLength(1);

    // New notifications wait until the member's interval has passed; read ones drop out.
    await notifyAs(owner, { recipients: both, eventType: "task_due_soon", title: "Due tomorrow: Budget" });
    await notifyAs(owner, { recipients: [a.memberId], eventType: "task_assigned", title: "Assigned: Read me" });
    const readMe = (await as(a, ws)("GET", "/list?unread_only=true")).body.items.find(
      (n: { title: string }) => n.title === "Assigned: Read me",
    );
    await as(a, ws)("POST", "/mark-read", { notification_id: readMe.id });
    await sendNotificationDigests(env, t0 + 10 * 60_000);
    expect(await emailsTo(a.email, "notification_digest")).toHaveLength(1);
    await sendNotificationDigests(env, t0 + 31 * 60_000);
    const aDigests = await emailsTo(a.email, "notification_digest");
    expect(aDigests).toHaveLength(2);
    expect(aDigests.map((d) => (d.data as { count: number }).count).sort()).toEqual([1, 2]);
    expect(aDigests.some((d) => d.textBody.includes("Read me"))).toBe(false);
    expect(await emailsTo(b.email, "notification_digest")).toHaveLength(1); // hourly
    await sendNotificationDigests(env, t0 + 61 * 60_000);
    expect(await emailsTo(b.email, "notification_digest")).toHaveLength(2);
    expect(await emailsTo(a.email, "notification_digest")).toHaveLength(2);
  });
});

describe("notification inbox", () => {
  it("lists, counts and marks read: one, all, and only your own", async () => {
    const owner = await signup();
    const ws = owner.workspaceId;
    const m = await join(owner, "member");
    const api = as(m, ws);
    for (const title of ["first", "second", "third"]) {
      await notifyAs(owner, { recipients: [m.memberId], eventType: "goal_updated", title });
    }
    const all = await api("GET", "/list");
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(all.body.items.map((n: { title: string }) => n.title)).toEqual(["third", "second", "first"]);
    const page = await api("GET", "/list?limit=2&offset=2");
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page.body.items.map((n: { title: string }) => n.title)).toEqual(["first"]);
    for (const q of ["limit=500", "limit=0", "offset=-1", "unread_only=maybe"]) {
      expect((await api("GET", `/list?${q}`)).status, q).toBe(422);
    }
    expect((await api("GET", "/unread-count")).body).toEqual({ count: 3 });

    const first = all.body.items[2].id as string;
    expect((await api("POST", "/mark-read", { notification_id: first })).body).toEqual({ updated: 1 });
    expect((await api("POST", "/mark-read", { notification_id: first })).body).toEqual({ updated: 0 });
    expect((await api("GET", "/unread-count")).body).toEqual({ count: 2 });
    const unread = await api("GET", "/list?unread_only=true");
    expect(unread.body.total).toBe(2);
    expect(unread.body.items.every((n: { is_read: boolean }) => !n.is_read)).toBe(true);
    expect((await api("GET", "/list")).body.items[2]).toMatchObject({ id: first, is_read: true, read_at: expect.any(String) });

    // Someone else's notification, an unknown id, bad input: nothing changes.
    const ownerApi = as(owner, ws);
    const second = all.body.items[1].id as string;
    expect((await ownerApi("POST", "/mark-read", { notification_id: second })).status).toBe(404);
    expect((await ownerApi("POST", "/mark-read", {})).body).toEqual({ updated: 0 });
    expect((await api("POST", "/mark-read", { notification_id: crypto.randomUUID() })).status).toBe(404);
    expect((await api("POST", "/mark-read", { notification_id: "nope" })).status).toBe(422);
    expect((await api("POST", "/mark-read", { notification_id: second, extra: true })).status).toBe(422);
    expect((await api("GET", "/unread-count")).body).toEqual({ count: 2 });

    expect((await api("POST", "/mark-read", {})).body).toEqual({ updated: 2 });
    expect((await api("POST", "/mark-read", { notification_id: null })).body).toEqual({ updated: 0 });
    expect((await api("GET", "/unread-count")).body).toEqual({ count: 0 });
    expect((await api("GET", "/list?unread_only=true")).body.total).toBe(0);
  });

  it("streams notifications and workspace events over SSE, resumable with Last-Event-ID", async () => {
    const owner = await signup();
    const ws = owner.workspaceId;
    const m: Joined = await join(owner, "member");
    const headers = { authorization: `Bearer ${m.token}`, "x-workspace-id": ws };
    const res = await raw("/api/v1/notifications/stream", { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reading = readSse(res, (e) => e.event === "workspace_event");
    await notifyAs(owner, { recipients: [m.memberId], eventType: "mentioned", title: "Ping", link: "/channels/x" });
    await workspaceEventAs(owner, "members_updated", { member_id: m.memberId });
    const events = await reading;
    expect(events.map((e) => e.event)).toEqual(["notification", "workspace_event"]);
    expect(events[0]?.data).toMatchObject({ event_type: "mentioned", title: "Ping", recipient_member_id: m.memberId, is_read: false });
    const listed = (await as(m, ws)("GET", "/list")).body.items[0];
    expect(events[0]?.data).toEqual(listed);
    expect(events[1]?.data).toMatchObject({ event_type: "members_updated", workspace_id: ws, data: { member_id: m.memberId } });

    // Reconnecting after the first event replays only what came after it.
    const again = await raw("/api/v1/notifications/stream", { headers: { ...headers, "last-event-id": String(events[0]?.id) } });
    const replayed = await readSse(again, (e) => e.event === "workspace_event");
    expect(replayed.map((e) => e.event)).toEqual(["workspace_event"]);

    // The owner's own stream got the workspace event but not the member's notification.
    const ownerStream = await raw("/api/v1/notifications/stream", {
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws },
    });
    const ownerEvents = await readSse(ownerStream, (e) => e.event === "workspace_event");
    expect(ownerEvents.map((e) => e.event)).toEqual(["workspace_event"]);
  });
});

describeSecurity("notifications", [
  { method: "GET", path: "/api/v1/notifications/defaults", workspace: true },
  { method: "GET", path: "/api/v1/notifications/email-preference", workspace: true },
  { method: "PUT", path: "/api/v1/notifications/email-preference", body: { email_delivery_mode: "digest" }, workspace: true },
  { method: "GET", path: "/api/v1/notifications/list", workspace: true },
  { method: "GET", path: "/api/v1/notifications/unread-count", workspace: true },
  { method: "POST", path: "/api/v1/notifications/mark-read", body: {}, workspace: true },
  { method: "GET", path: "/api/v1/notifications/stream", workspace: true },
  { method: "GET", path: "/api/v1/notifications/me", workspace: true },
  { method: "POST", path: "/api/v1/notifications/me", body: { event_type: "mentioned" }, workspace: true },
  { method: "PUT", path: "/api/v1/notifications/me/bulk", body: { preferences: [{ event_type: "mentioned" }] }, workspace: true },
  { method: "POST", path: "/api/v1/notifications/me/reset", workspace: true },
  { method: "PUT", path: `/api/v1/notifications/me/${crypto.randomUUID()}`, body: { muted: true }, workspace: true },
  { method: "DELETE", path: `/api/v1/notifications/me/${crypto.randomUUID()}`, workspace: true },
  { method: "GET", path: "/api/v1/notifications/preferences/v2", workspace: true },
  { method: "PUT", path: "/api/v1/notifications/preferences/v2/mentioned", body: { muted: true }, workspace: true },
]);
