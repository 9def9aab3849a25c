import { and, count, eq } from "drizzle-orm";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { AccessToken, TokenVerifier } from "livekit-server-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { activities } from "../src/modules/activity/tables";
import { channelMembers, channels } from "../src/modules/channels/tables";
import { meetingParticipants, meetings } from "../src/modules/meetings/tables";
import { notifications } from "../src/modules/notifications/tables";
import type { Db } from "../src/platform/db";
import { call, databaseUrl, env, type Joined, join, raw, readSse, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenantUrl = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);
const withTenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(tenantUrl(workspaceId), f);

let owner: SignedUp;
let admin: Joined;
let member: Joined;
let viewer: Joined;
let outsider: SignedUp;
let ownerMemberId: string;
let ws: string;

beforeAll(async () => {
  [owner, outsider] = await Promise.all([signup(), signup()]);
  ws = owner.workspaceId;
  admin = await join(owner, "admin");
  member = await join(owner, "member");
  viewer = await join(owner, "viewer");
  const me = await call("GET", "/api/v1/members/me", { token: owner.token, workspace: ws });
  ownerMemberId = me.body.id;
});

const as =
  (token: () => string) =>
  (method: string, path: string, body?: unknown, workspace = ws) =>
    call(method, path, { token: token(), workspace, body });
const asOwner = as(() => owner.token);
const asAdmin = as(() => admin.token);
const asMember = as(() => member.token);
const asViewer = as(() => viewer.token);

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const countRows = (table: typeof meetings | typeof meetingParticipants) =>
  withTenant(ws, async (db) => (await db.select({ n: count() }).from(table))[0]?.n ?? 0);

/** Opens the meeting's SSE stream as `token` (raw: the harness's call() would wait for the end). */
const openStream = (meetingId: string, token: string, since = 0) =>
  raw(`/api/v1/meetings/${meetingId}/stream?since=${since}`, { headers: { authorization: `Bearer ${token}`, "x-workspace-id": ws } });

async function verifyLiveKit(token: string) {
  // livekit-server-sdk's own verifier: HS256 with the API secret, issuer = API key, exp required.
  const verifier = new TokenVerifier(env.LIVEKIT_API_KEY as string, env.LIVEKIT_API_SECRET as string);
  return verifier.verify(token);
}

describe("scheduled meetings", () => {
  let meeting: any;

  it("schedules a meeting (201) with a password and invitees, and records the activity", async () => {
    const r = await asOwner("POST", "/api/v1/meetings", {
      title: "Quarterly planning",
      description: "Bring numbers",
      scheduled_start: inAnHour(),
      password: "open sesame",
      invite_member_ids: [member.memberId],
    });
    expect(r.status).toBe(201);
    meeting = r.body;
    expect(meeting).toMatchObject({
      title: "Quarterly planning",
      kind: "scheduled",
      status: "scheduled",
      host_member_id: ownerMemberId,
      channel_id: null,
      has_password: true,
      invite_member_ids: [member.memberId],
      participant_count: 0,
      participants: [],
      is_host: true,
      started_at: null,
    });
    expect(meeting.room_id).toMatch(/^rm_[A-Za-z0-9_-]{20}$/);
    expect(JSON.stringify(meeting)).not.toContain("open sesame");
    const stored = await withTenant(ws, (db) => db.select().from(meetings).where(eq(meetings.id, meeting.id)));
    expect(stored[0]?.passwordHash).toMatch(/^scrypt\$/);
    const acts = await withTenant(ws, (db) => db.select().from(activities).where(eq(activities.subjectId, meeting.id)));
    expect(acts.map((a) => a.type)).toEqual(["meeting.scheduled"]);
  });

  it("rejects bad input with 422 in the platform shape and writes nothing", async () => {
    const before = await countRows(meetings);
    const cases: [unknown, (string | number)[]][] = [
      [{ scheduled_start: inAnHour() }, ["body", "title"]],
      [{ title: "x", scheduled_start: "tomorrow" }, ["body", "scheduled_start"]],
      [{ title: "x", scheduled_start: inAnHour(), scheduled_end: new Date(Date.now() - 1000).toISOString() }, ["body", "scheduled_end"]],
      [{ title: "x", scheduled_start: inAnHour(), password: "abc" }, ["body", "password"]],
      [{ title: "x", scheduled_start: inAnHour(), invite_member_ids: [crypto.randomUUID()] }, ["body", "invite_member_ids", 0]],
    ];
    for (const [body, loc] of cases) {
      const r = await asOwner("POST", "/api/v1/meetings", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body).toMatchObject({ code: "validation_error", request_id: expect.any(String) });
      expect(r.body.detail[0].loc).toEqual(loc);
    }
    expect(await countRows(meetings)).toBe(before);
  });

  it("viewers cannot schedule (403); members can", async () => {
    expect((await asViewer("POST", "/api/v1/meetings", { title: "Nope", scheduled_start: inAnHour() })).status).toBe(403);
    const r = await asMember("POST", "/api/v1/meetings", { title: "Member sync", scheduled_start: inAnHour() });
    expect(r.status).toBe(201);
    expect(r.body.is_host).toBe(true);
  });

  it("is visible to every member by id and by room id; unknown ids are 404", async () => {
    const byId = await asViewer("GET", `/api/v1/meetings/${meeting.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: meeting.id, is_host: false });
    const byRoom = await asMember("GET", `/api/v1/meetings/room/${meeting.room_id}`);
    expect(byRoom.status).toBe(200);
    expect(byRoom.body.id).toBe(meeting.id);
    expect((await asMember("GET", "/api/v1/meetings/room/rm_nope")).status).toBe(404);
    expect((await asMember("GET", `/api/v1/meetings/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await asMember("GET", "/api/v1/meetings/not-a-uuid")).status).toBe(404);
  });

  it("join: missing password 422, wrong password 403, both writing nothing", async () => {
    const before = await countRows(meetingParticipants);
    const missing = await asMember("POST", `/api/v1/meetings/${meeting.id}/join`, {});
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0]).toMatchObject({ loc: ["body", "password"], type: "missing" });
    const wrong = await asMember("POST", `/api/v1/meetings/${meeting.id}/join`, { password: "guess" });
    expect(wrong.status).toBe(403);
    const badBody = await asMember("POST", `/api/v1/meetings/${meeting.id}/join`, { password: "open sesame", start_muted: "yes" });
    expect(badBody.status).toBe(422);
    expect(await countRows(meetingParticipants)).toBe(before);
    const still = await asMember("GET", `/api/v1/meetings/${meeting.id}`);
    expect(still.body.status).toBe("scheduled");
  });

  let stream: Promise<{ id?: string; event?: string; data: any }[]>;

  it("the first join starts the meeting and returns a LiveKit token that LiveKit's verifier accepts", async () => {
    stream = openStream(meeting.id, owner.token).then((res) => {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      return readSse(res, (e) => e.event === "meeting_ended");
    });
    const r = await asMember("POST", `/api/v1/meetings/${meeting.id}/join`, { password: "open sesame", start_muted: false });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      url: env.LIVEKIT_URL,
      room_id: meeting.room_id,
      identity: member.memberId,
      meeting: { id: meeting.id, status: "active", participant_count: 1 },
      participant: { member_id: member.memberId, is_muted: false, is_video_on: false, is_hand_raised: false },
    });
    const claims: any = await verifyLiveKit(r.body.token);
    const now = Math.floor(Date.now() / 1000);
    expect(claims).toMatchObject({
      iss: env.LIVEKIT_API_KEY,
      sub: member.memberId,
      name: "A member",
      video: { room: meeting.room_id, roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true },
    });
    expect(claims.nbf).toBeLessThanOrEqual(now + 1);
    expect(claims.exp - claims.nbf).toBe(6 * 3600);
    expect(typeof claims.jti).toBe("string");
    expect(new Date(r.body.expires_at).getTime() / 1000).toBe(claims.exp);
    // The same header and claims as the SDK's own AccessToken for that grant (plus a jti).
    const reference = new AccessToken(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET, {
      identity: member.memberId,
      name: "A member",
      metadata: claims.metadata,
    });
    reference.addGrant(claims.video);
    const ref = await reference.toJwt();
    expect(decodeProtectedHeader(r.body.token)).toEqual(decodeProtectedHeader(ref));
    expect(Object.keys(claims).sort()).toEqual([...Object.keys(decodeJwt(ref)), "jti"].sort());
    expect(JSON.parse(claims.metadata)).toEqual({ meeting_id: meeting.id, member_id: member.memberId });
    // Signed with anything else, LiveKit refuses it.
    await expect(
      new TokenVerifier(env.LIVEKIT_API_KEY as string, "another-secret-0123456789abcdef").verify(r.body.token),
    ).rejects.toThrow();
    await expect(new TokenVerifier("otherkey", env.LIVEKIT_API_SECRET as string).verify(r.body.token)).rejects.toThrow();
    const acts = await withTenant(ws, (db) => db.select().from(activities).where(eq(activities.subjectId, meeting.id)));
    expect(acts.map((a) => a.type).sort()).toEqual(["meeting.scheduled", "meeting.started"]);
  });

  it("the host joins without the password; viewers join as listeners", async () => {
    const host = await asOwner("POST", `/api/v1/meetings/${meeting.id}/join`, {});
    expect(host.status).toBe(200);
    expect(host.body.meeting.participant_count).toBe(2);
    const v = await asViewer("POST", `/api/v1/meetings/${meeting.id}/join`, { password: "open sesame" });
    expect(v.status).toBe(200);
    const claims: any = await verifyLiveKit(v.body.token);
    expect(claims.video).toMatchObject({ canPublish: false, canSubscribe: true, canPublishData: false });
  });

  it("participant state updates are stored and visible on the stream", async () => {
    const r = await asMember("PATCH", `/api/v1/meetings/${meeting.id}/participants/me`, { is_hand_raised: true, is_video_on: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ member_id: member.memberId, is_hand_raised: true, is_video_on: true, is_muted: false });
    const [row] = await withTenant(ws, (db) =>
      db
        .select()
        .from(meetingParticipants)
        .where(and(eq(meetingParticipants.meetingId, meeting.id), eq(meetingParticipants.memberId, member.memberId))),
    );
    expect(row).toMatchObject({ handRaised: true, videoOff: false, muted: false });
    const got = await asOwner("GET", `/api/v1/meetings/${meeting.id}`);
    expect(got.body.participants.find((p: any) => p.member_id === member.memberId)).toMatchObject({ is_hand_raised: true });
  });

  it("PATCH needs at least one field (422) and a participant (409)", async () => {
    expect((await asMember("PATCH", `/api/v1/meetings/${meeting.id}/participants/me`, {})).status).toBe(422);
    expect((await asMember("PATCH", `/api/v1/meetings/${meeting.id}/participants/me`, { is_muted: "no" })).status).toBe(422);
    expect((await asAdmin("PATCH", `/api/v1/meetings/${meeting.id}/participants/me`, { is_muted: true })).status).toBe(409);
    expect((await asAdmin("POST", `/api/v1/meetings/${meeting.id}/leave`)).status).toBe(409);
  });

  it("lists meetings with filters and the ones I am in", async () => {
    const all = await asAdmin("GET", "/api/v1/meetings");
    expect(all.status).toBe(200);
    expect(all.body[0]).toMatchObject({ id: meeting.id, status: "active" }); // live meetings first
    const mine = await asMember("GET", "/api/v1/meetings?my_meetings_only=true");
    expect(mine.body.map((m: any) => m.id)).toContain(meeting.id);
    const adminMine = await asAdmin("GET", "/api/v1/meetings?my_meetings_only=true");
    expect(adminMine.body.map((m: any) => m.id)).not.toContain(meeting.id);
    const scheduled = await asAdmin("GET", "/api/v1/meetings?status=scheduled");
    expect(scheduled.body.every((m: any) => m.status === "scheduled")).toBe(true);
    const upcoming = await asAdmin("GET", "/api/v1/meetings?upcoming=true");
    expect(upcoming.body.map((m: any) => m.title)).toContain("Member sync");
    expect(upcoming.body.map((m: any) => m.id)).not.toContain(meeting.id);
    const page = await asAdmin("GET", "/api/v1/meetings?limit=1&offset=1");
    expect(page.body).toHaveLength(1);
    expect((await asAdmin("GET", "/api/v1/meetings?limit=101")).status).toBe(422);
    expect((await asAdmin("GET", "/api/v1/meetings?kind=webinar")).status).toBe(422);
    const active = await asMember("GET", "/api/v1/meetings/active");
    expect(active.body.map((m: any) => m.id)).toEqual([meeting.id]);
    expect((await asAdmin("GET", "/api/v1/meetings/active")).body).toEqual([]);
  });

  it("only the host may end or delete (403 for others)", async () => {
    expect((await asMember("POST", `/api/v1/meetings/${meeting.id}/end`)).status).toBe(403);
    expect((await asAdmin("POST", `/api/v1/meetings/${meeting.id}/end`)).status).toBe(403);
    expect((await asMember("DELETE", `/api/v1/meetings/${meeting.id}`)).status).toBe(403);
    expect((await asAdmin("GET", `/api/v1/meetings/${meeting.id}`)).body.status).toBe("active");
  });

  it("leaving keeps the meeting while others remain; the last one out ends it", async () => {
    const a = await asViewer("POST", `/api/v1/meetings/${meeting.id}/leave`);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: "active", participant_count: 2 });
    expect((await asMember("POST", `/api/v1/meetings/${meeting.id}/leave`)).body.status).toBe("active");
    const last = await asOwner("POST", `/api/v1/meetings/${meeting.id}/leave`);
    expect(last.status).toBe(200);
    expect(last.body).toMatchObject({ status: "ended", participant_count: 0, ended_at: expect.any(String) });
    expect((await asMember("POST", `/api/v1/meetings/${meeting.id}/join`, { password: "open sesame" })).status).toBe(409);
    expect((await asMember("GET", "/api/v1/meetings/active")).body).toEqual([]);
    const listed = await asAdmin("GET", "/api/v1/meetings");
    expect(listed.body.map((m: any) => m.id)).not.toContain(meeting.id);
    const withEnded = await asAdmin("GET", "/api/v1/meetings?include_ended=true");
    expect(withEnded.body.map((m: any) => m.id)).toContain(meeting.id);
    const acts = await withTenant(ws, (db) => db.select().from(activities).where(eq(activities.subjectId, meeting.id)));
    expect(acts.map((x) => x.type).sort()).toEqual(["meeting.ended", "meeting.scheduled", "meeting.started"]);
  });

  it("the stream carried every change, in order, and closed at meeting_ended", async () => {
    const events = await stream;
    expect(events.map((e) => e.event)).toEqual([
      "meeting_started",
      "participant_joined",
      "participant_joined",
      "participant_joined",
      "participant_updated",
      "participant_left",
      "participant_left",
      "participant_left",
      "meeting_ended",
    ]);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const updated = events.find((e) => e.event === "participant_updated");
    expect(updated?.data).toMatchObject({
      meeting_id: meeting.id,
      status: "active",
      participant: { member_id: member.memberId, is_hand_raised: true, is_video_on: true },
    });
    expect(updated?.data.participants).toHaveLength(3);
    expect(events.at(-1)?.data).toMatchObject({ status: "ended", participants: [], reason: "last_participant_left" });
    // Resuming an ended meeting's stream replays what was missed and closes at once.
    const resumed = await readSse(await openStream(meeting.id, member.token, Number(events[6]?.id)));
    expect(resumed.map((e) => e.event)).toEqual(["participant_left", "meeting_ended"]);
  });
});

describe("huddles", () => {
  let huddle: any;

  it("starts an instant huddle: active, the host in it, a join token, invitees notified", async () => {
    const r = await asOwner("POST", "/api/v1/meetings/huddle", { invite_member_ids: [member.memberId] });
    expect(r.status).toBe(201);
    huddle = r.body.meeting;
    expect(huddle).toMatchObject({ kind: "huddle", status: "active", title: "Ada Lovelace's Huddle", participant_count: 1 });
    expect(r.body.participant).toMatchObject({ member_id: ownerMemberId, is_muted: true, is_video_on: false });
    const claims: any = await verifyLiveKit(r.body.token);
    expect(claims).toMatchObject({ sub: ownerMemberId, video: { room: huddle.room_id, roomJoin: true } });
    const notes = await withTenant(ws, (db) =>
      db
        .select()
        .from(notifications)
        .where(and(eq(notifications.recipientMemberId, member.memberId), eq(notifications.eventType, "meeting_started"))),
    );
    expect(notes.some((n) => (n.data as { meeting_id?: string }).meeting_id === huddle.id)).toBe(true);
    expect((await asOwner("GET", "/api/v1/meetings/active")).body.map((m: any) => m.id)).toContain(huddle.id);
  });

  it("validates huddle input (422, nothing written) and refuses viewers (403)", async () => {
    const before = await countRows(meetings);
    expect((await asOwner("POST", "/api/v1/meetings/huddle", { name: "" })).status).toBe(422);
    expect((await asOwner("POST", "/api/v1/meetings/huddle", { invite_member_ids: ["nope"] })).status).toBe(422);
    expect((await asOwner("POST", "/api/v1/meetings/huddle", { channel_slug: "no-such-channel" })).status).toBe(404);
    expect((await asViewer("POST", "/api/v1/meetings/huddle", {})).status).toBe(403);
    expect(await countRows(meetings)).toBe(before);
  });

  it("the host ends it for everyone (409 the second time); the stream closes", async () => {
    await asMember("POST", `/api/v1/meetings/${huddle.id}/join`, {});
    const stream = openStream(huddle.id, member.token).then((res) => readSse(res, (e) => e.event === "meeting_ended"));
    const ended = await asOwner("POST", `/api/v1/meetings/${huddle.id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: "ended", participant_count: 0 });
    const still = await withTenant(ws, (db) => db.select().from(meetingParticipants).where(eq(meetingParticipants.meetingId, huddle.id)));
    expect(still.every((p) => p.leftAt !== null)).toBe(true);
    const events = await stream;
    expect(events.at(-1)).toMatchObject({ event: "meeting_ended", data: { reason: "ended_by_host" } });
    expect((await asOwner("POST", `/api/v1/meetings/${huddle.id}/end`)).status).toBe(409);
  });

  it("the host deletes it (204): gone with its participants", async () => {
    expect((await asMember("DELETE", `/api/v1/meetings/${huddle.id}`)).status).toBe(403);
    const r = await asOwner("DELETE", `/api/v1/meetings/${huddle.id}`);
    expect(r.status).toBe(204);
    expect((await asOwner("GET", `/api/v1/meetings/${huddle.id}`)).status).toBe(404);
    const left = await withTenant(ws, (db) => db.select().from(meetingParticipants).where(eq(meetingParticipants.meetingId, huddle.id)));
    expect(left).toEqual([]);
  });

  it("deleting a live meeting tells its stream (meeting_ended, reason deleted)", async () => {
    const h = await asOwner("POST", "/api/v1/meetings/huddle", { name: "Short-lived" });
    // Connected before the delete (a deleted meeting's stream is a 404).
    const res = await openStream(h.body.meeting.id, owner.token);
    expect(res.status).toBe(200);
    const stream = readSse(res, (e) => e.event === "meeting_ended");
    expect((await asOwner("DELETE", `/api/v1/meetings/${h.body.meeting.id}`)).status).toBe(204);
    expect((await stream).at(-1)).toMatchObject({ event: "meeting_ended", data: { reason: "deleted" } });
  });
});

describe("concurrency and the room's state", () => {
  it("two last participants leaving at once end the meeting exactly once", async () => {
    const h = await asOwner("POST", "/api/v1/meetings/huddle", { name: "Race" });
    const id = h.body.meeting.id as string;
    expect((await asMember("POST", `/api/v1/meetings/${id}/join`, {})).status).toBe(200);
    const [a, b] = await Promise.all([asOwner("POST", `/api/v1/meetings/${id}/leave`), asMember("POST", `/api/v1/meetings/${id}/leave`)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.status, b.body.status].sort()).toEqual(["active", "ended"]);
    const ended = await withTenant(ws, (db) =>
      db
        .select()
        .from(activities)
        .where(and(eq(activities.subjectId, id), eq(activities.type, "meeting.ended"))),
    );
    expect(ended).toHaveLength(1);
  });

  it("keeps the newest participant list when changes reach the room out of order", async () => {
    const stub = env.MEETING_ROOM.get(env.MEETING_ROOM.idFromName(`test-${crypto.randomUUID()}`));
    const p = (id: string) => ({
      member_id: id,
      name: id,
      avatar_url: null,
      joined_at: new Date().toISOString(),
      is_muted: true,
      is_video_on: false,
      is_hand_raised: false,
    });
    const base = { meeting_id: "m", status: "active" as const };
    await stub.apply({ ...base, event: "participant_joined", version: 2, participant: p("b"), participants: [p("a"), p("b")] });
    // The older change (version 1) arrives late: published, but with the room's newer list.
    await stub.apply({ ...base, event: "participant_joined", version: 1, participant: p("a"), participants: [p("a")] });
    const snap = await stub.snapshot();
    expect(snap.version).toBe(2);
    expect(snap.participants.map((x) => x.member_id)).toEqual(["a", "b"]);
    const events = (await stub.replay(0)) as unknown as {
      data: { participants: { member_id: string }[]; participant: { member_id: string } };
    }[];
    expect(events.map((e) => [e.data.participant.member_id, e.data.participants.length])).toEqual([
      ["b", 2],
      ["a", 2],
    ]);
  });
});

describe("meetings in channels follow channel visibility", () => {
  let huddle: any;
  const slug = `secret-${Date.now().toString(36)}`;

  beforeAll(async () => {
    await withTenant(ws, async (db) => {
      const [c] = await db.insert(channels).values({ slug, name: "Secret", isPrivate: true, createdByMemberId: ownerMemberId }).returning();
      await db.insert(channelMembers).values({ channelId: c?.id as string, memberId: ownerMemberId, role: "admin" });
    });
    const r = await asOwner("POST", "/api/v1/meetings/huddle", { name: "Secret huddle", channel_slug: slug });
    expect(r.status).toBe(201);
    huddle = r.body.meeting;
  });

  it("is hidden (404) from members who cannot see the channel, everywhere", async () => {
    expect(huddle.channel_id).toEqual(expect.any(String));
    expect((await asMember("GET", `/api/v1/meetings/${huddle.id}`)).status).toBe(404);
    expect((await asMember("GET", `/api/v1/meetings/room/${huddle.room_id}`)).status).toBe(404);
    expect((await asMember("POST", `/api/v1/meetings/${huddle.id}/join`, {})).status).toBe(404);
    expect((await openStream(huddle.id, member.token)).status).toBe(404);
    expect((await asMember("GET", "/api/v1/meetings")).body.map((m: any) => m.id)).not.toContain(huddle.id);
    expect((await asMember("POST", "/api/v1/meetings/huddle", { channel_slug: slug })).status).toBe(404);
  });

  it("is visible to channel participants and to holders of can_manage_channel", async () => {
    expect((await asAdmin("GET", `/api/v1/meetings/${huddle.id}`)).status).toBe(200);
    expect((await asAdmin("GET", "/api/v1/meetings")).body.map((m: any) => m.id)).toContain(huddle.id);
    const channelId = huddle.channel_id as string;
    await withTenant(ws, (db) => db.insert(channelMembers).values({ channelId, memberId: member.memberId }));
    expect((await asMember("GET", `/api/v1/meetings/${huddle.id}`)).status).toBe(200);
    expect((await asMember("POST", `/api/v1/meetings/${huddle.id}/join`, {})).status).toBe(200);
  });
});

describe("isolation", () => {
  it("another workspace's meeting is a 404 from the outsider's own workspace", async () => {
    const r = await asOwner("POST", "/api/v1/meetings", { title: "Private to A", scheduled_start: inAnHour() });
    const asOutsider = (method: string, path: string, body?: unknown) =>
      call(method, path, { token: outsider.token, workspace: outsider.workspaceId, body });
    expect((await asOutsider("GET", `/api/v1/meetings/${r.body.id}`)).status).toBe(404);
    expect((await asOutsider("GET", `/api/v1/meetings/room/${r.body.room_id}`)).status).toBe(404);
    expect((await asOutsider("POST", `/api/v1/meetings/${r.body.id}/join`, {})).status).toBe(404);
    expect((await asOutsider("DELETE", `/api/v1/meetings/${r.body.id}`)).status).toBe(404);
    expect((await asOutsider("GET", "/api/v1/meetings")).body.map((m: any) => m.id)).not.toContain(r.body.id);
  });
});

const someId = "0190b3a0-0000-7000-8000-000000000000";
describeSecurity("meetings", [
  { method: "GET", path: "/api/v1/meetings", workspace: true },
  { method: "GET", path: "/api/v1/meetings/active", workspace: true },
  { method: "GET", path: "/api/v1/meetings/room/rm_x", workspace: true },
  { method: "GET", path: `/api/v1/meetings/${someId}`, workspace: true },
  { method: "GET", path: `/api/v1/meetings/${someId}/stream`, workspace: true },
  { method: "POST", path: "/api/v1/meetings", body: { title: "S", scheduled_start: "2030-01-01T00:00:00Z" }, workspace: true },
  { method: "POST", path: "/api/v1/meetings/huddle", body: {}, workspace: true },
  { method: "POST", path: `/api/v1/meetings/${someId}/join`, body: {}, workspace: true },
  { method: "POST", path: `/api/v1/meetings/${someId}/leave`, workspace: true },
  { method: "PATCH", path: `/api/v1/meetings/${someId}/participants/me`, body: { is_muted: true }, workspace: true },
  { method: "POST", path: `/api/v1/meetings/${someId}/end`, workspace: true },
  { method: "DELETE", path: `/api/v1/meetings/${someId}`, workspace: true },
]);
