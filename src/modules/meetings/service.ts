import { and, asc, desc, eq, gte, inArray, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import type { MeetingChange, MeetingParticipantState } from "../../../durable-objects/meeting-room";
import type { ServiceContext } from "../../platform/context";
import { randomToken } from "../../platform/crypto";
import { conflict, forbidden, ServiceError } from "../../platform/errors";
import { hashPassword, verifyPassword } from "../../platform/passwords";
import { formatSse, relayRoomAsSse, SSE_HEADERS } from "../../platform/sse";
import { recordActivity } from "../activity/service";
import { viewerOf, visibleChannelCondition } from "../activity/visibility";
import { getChannelForActor } from "../channels/internal";
import { channelMembers } from "../channels/tables";
import { currentMember } from "../members/service";
import { members } from "../members/tables";
import { notify } from "../notifications/service";
import { hasPermission, requirePermission } from "../permissions/service";
import {
  activeParticipants,
  getVisibleMeeting,
  type MeetingRow,
  meetingNotFound,
  meetingRoom,
  meetingRoomStub,
  participantColumns,
  publishMeetingChanges,
  type Tx,
  toMeeting,
  toParticipant,
} from "./internal";
import { mintLiveKitToken } from "./livekit";
import type { HuddleCreate, ListMeetingsQuery, MeetingCreate, MeetingJoinRequest, ParticipantUpdate } from "./schemas";
import { meetingParticipants, meetings } from "./tables";

type MemberRow = typeof members.$inferSelect;

const nameOf = (m: MemberRow) => m.displayName ?? m.fullName ?? m.email;
const roomLink = (roomId: string) => `/meetings/room/${roomId}`;
/** Unguessable, URL-safe LiveKit room name (also the join link's id). */
const newRoomId = () => `rm_${randomToken(15)}`;
/** Channel members told about a huddle in their channel, at most. */
const HUDDLE_NOTIFY_CAP = 500;

const fieldError = (loc: (string | number)[], msg: string, type = "value_error") =>
  new ServiceError("validation_error", msg, { issues: [{ loc, msg, type }] });

/**
 * Activity and notifications follow a committed change. They are best effort: failing them must
 * not turn a change that happened into an error the client would retry (and so repeat).
 */
async function afterCommit(ctx: ServiceContext, what: string, f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: `meeting ${what} failed`, request_id: ctx.requestId, error: String(e) }));
  }
}

/**
 * Meetings are conversation: whoever may post messages may start one (viewers may not, but
 * may join and listen). In a channel, the caller must be able to post there.
 */
async function requireHostRights(ctx: ServiceContext, channelSlug: string | undefined): Promise<string | null> {
  await requirePermission(ctx, "can_post_message");
  if (!channelSlug) return null;
  const access = await getChannelForActor(ctx, channelSlug);
  if (!access.canPost) throw forbidden("You cannot start meetings in this channel");
  return access.channel.id;
}

async function assertInvitees(ctx: ServiceContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await ctx.db
    .select({ id: members.id })
    .from(members)
    .where(and(inArray(members.id, ids), eq(members.isActive, true)));
  const found = new Set(rows.map((r) => r.id));
  const bad = ids.findIndex((id) => !found.has(id));
  if (bad >= 0) throw fieldError(["body", "invite_member_ids", bad], "Not an active member of this workspace");
}

async function locked(tx: Tx, meetingId: string): Promise<MeetingRow> {
  const [m] = await tx.select().from(meetings).where(eq(meetings.id, meetingId)).for("update");
  if (!m) throw meetingNotFound();
  return m;
}

/** Bumps the state version (every participant change) and applies `set`; under the row lock. */
async function bump(tx: Tx, meetingId: string, set: Partial<typeof meetings.$inferInsert> = {}): Promise<MeetingRow> {
  const [m] = await tx
    .update(meetings)
    .set({ ...set, stateVersion: sql`${meetings.stateVersion} + 1` })
    .where(eq(meetings.id, meetingId))
    .returning();
  if (!m) throw meetingNotFound();
  return m;
}

function change(
  m: MeetingRow,
  event: MeetingChange["event"],
  participant: MeetingParticipantState | null,
  participants: MeetingParticipantState[],
  reason?: string,
): MeetingChange {
  return {
    event,
    meeting_id: m.id,
    version: m.stateVersion,
    status: m.status,
    participant,
    participants,
    ...(reason ? { reason } : {}),
  };
}

async function myParticipant(tx: Tx, meetingId: string, memberId: string): Promise<MeetingParticipantState> {
  const [r] = await tx
    .select(participantColumns)
    .from(meetingParticipants)
    .innerJoin(members, eq(members.id, meetingParticipants.memberId))
    .where(and(eq(meetingParticipants.meetingId, meetingId), eq(meetingParticipants.memberId, memberId)))
    .limit(1);
  if (!r) throw meetingNotFound();
  return toParticipant(r);
}

/** The LiveKit token of `me` for the meeting's room. Viewers join as listeners (no publishing). */
async function joinPayload(ctx: ServiceContext, m: MeetingRow, me: MemberRow, participants: MeetingParticipantState[]) {
  const speaker = await hasPermission(ctx, "can_post_message");
  const { token, expiresAt } = await mintLiveKitToken(ctx.env, {
    identity: me.id,
    name: nameOf(me),
    metadata: JSON.stringify({ meeting_id: m.id, member_id: me.id }),
    grant: { room: m.roomId, roomJoin: true, canPublish: speaker, canSubscribe: true, canPublishData: speaker },
  });
  const participant = participants.find((p) => p.member_id === me.id);
  if (!participant) throw conflict("You are not in this meeting");
  return {
    meeting: toMeeting(m, participants, me.id),
    participant,
    token,
    url: ctx.env.LIVEKIT_URL ?? "",
    room_id: m.roomId,
    identity: me.id,
    expires_at: expiresAt.toISOString(),
  };
}

// ---- reads ----------------------------------------------------------------------------------

export async function listMeetings(ctx: ServiceContext, q: ListMeetingsQuery) {
  const viewer = await viewerOf(ctx);
  const where: (SQL | undefined)[] = [visibleChannelCondition(viewer, meetings.channelId)];
  if (q.status) where.push(eq(meetings.status, q.status));
  else if (!q.include_ended) where.push(ne(meetings.status, "ended"));
  if (q.kind) where.push(eq(meetings.kind, q.kind));
  if (q.upcoming) where.push(and(eq(meetings.status, "scheduled"), gte(meetings.scheduledStart, new Date())));
  if (q.my_meetings_only) {
    where.push(
      or(
        eq(meetings.hostMemberId, viewer.memberId),
        sql`${meetings.inviteeMemberIds} @> ${JSON.stringify([viewer.memberId])}::jsonb`,
        sql`EXISTS (SELECT 1 FROM ${meetingParticipants} WHERE ${meetingParticipants.meetingId} = ${meetings.id} AND ${meetingParticipants.memberId} = ${viewer.memberId})`,
      ),
    );
  }
  // Live meetings first, then upcoming ones by start time, then the rest, newest first.
  const rows = await ctx.db
    .select()
    .from(meetings)
    .where(and(...where))
    .orderBy(
      sql`CASE ${meetings.status} WHEN 'active' THEN 0 WHEN 'scheduled' THEN 1 ELSE 2 END`,
      asc(meetings.scheduledStart),
      desc(meetings.createdAt),
      desc(meetings.id),
    )
    .limit(q.limit)
    .offset(q.offset);
  const participants = await activeParticipants(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((m) => toMeeting(m, participants.get(m.id) ?? [], viewer.memberId));
}

/** Active meetings and huddles the caller is in right now ("You're in a huddle"). */
export async function listMyActiveMeetings(ctx: ServiceContext) {
  const viewer = await viewerOf(ctx);
  const rows = await ctx.db
    .select({ m: meetings })
    .from(meetings)
    .innerJoin(meetingParticipants, eq(meetingParticipants.meetingId, meetings.id))
    .where(
      and(
        eq(meetings.status, "active"),
        eq(meetingParticipants.memberId, viewer.memberId),
        isNull(meetingParticipants.leftAt),
        visibleChannelCondition(viewer, meetings.channelId),
      ),
    )
    .orderBy(desc(meetingParticipants.joinedAt));
  const participants = await activeParticipants(
    ctx.db,
    rows.map((r) => r.m.id),
  );
  return rows.map(({ m }) => toMeeting(m, participants.get(m.id) ?? [], viewer.memberId));
}

async function present(ctx: ServiceContext, m: MeetingRow) {
  const [me, participants] = await Promise.all([currentMember(ctx), activeParticipants(ctx.db, [m.id])]);
  return toMeeting(m, participants.get(m.id) ?? [], me.id);
}

export async function getMeeting(ctx: ServiceContext, meetingId: string) {
  return present(ctx, await getVisibleMeeting(ctx, meetingId));
}

export async function getMeetingByRoom(ctx: ServiceContext, roomId: string) {
  const [row] = await ctx.db.select({ id: meetings.id }).from(meetings).where(eq(meetings.roomId, roomId)).limit(1);
  if (!row) throw meetingNotFound();
  return getMeeting(ctx, row.id);
}

// ---- scheduling and huddles -----------------------------------------------------------------

export async function createMeeting({ ctx, input }: { ctx: ServiceContext; input: MeetingCreate }) {
  const channelId = await requireHostRights(ctx, input.channel_slug);
  const invitees = [...new Set(input.invite_member_ids ?? [])];
  await assertInvitees(ctx, invitees);
  const me = await currentMember(ctx);
  const [m] = await ctx.db
    .insert(meetings)
    .values({
      title: input.title,
      description: input.description ?? null,
      kind: "scheduled",
      roomId: newRoomId(),
      hostMemberId: me.id,
      channelId,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      inviteeMemberIds: invitees,
      scheduledStart: new Date(input.scheduled_start),
      scheduledEnd: input.scheduled_end ? new Date(input.scheduled_end) : null,
      status: "scheduled",
    })
    .returning();
  if (!m) throw new ServiceError("internal_error", "The meeting was not saved");
  await afterCommit(ctx, "activity", () =>
    recordActivity(ctx, {
      type: "meeting.scheduled",
      subjectType: "meeting",
      subjectId: m.id,
      channelId,
      summary: `${nameOf(me)} scheduled "${m.title}"`,
      data: { room_id: m.roomId, scheduled_start: input.scheduled_start },
    }),
  );
  return toMeeting(m, [], me.id);
}

/** An instant huddle: created active, with the caller in it; returns their join token. */
export async function startHuddle({ ctx, input }: { ctx: ServiceContext; input: HuddleCreate }) {
  const channelId = await requireHostRights(ctx, input.channel_slug);
  const invitees = [...new Set(input.invite_member_ids ?? [])];
  await assertInvitees(ctx, invitees);
  const me = await currentMember(ctx);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const now = new Date();
  const { m, participants } = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(meetings)
      .values({
        title: input.name ?? `${nameOf(me)}'s Huddle`,
        kind: "huddle",
        roomId: newRoomId(),
        hostMemberId: me.id,
        channelId,
        passwordHash,
        inviteeMemberIds: invitees,
        status: "active",
        startedAt: now,
        stateVersion: 1,
      })
      .returning();
    if (!created) throw new ServiceError("internal_error", "The huddle was not saved");
    await tx.insert(meetingParticipants).values({
      meetingId: created.id,
      memberId: me.id,
      joinedAt: now,
      muted: input.start_muted,
      videoOff: input.start_video_off,
    });
    return { m: created, participants: (await activeParticipants(tx, [created.id])).get(created.id) ?? [] };
  });
  const mine = participants.find((p) => p.member_id === me.id) ?? null;
  await publishMeetingChanges(ctx, m.id, [
    change(m, "meeting_started", mine, participants),
    change(m, "participant_joined", mine, participants),
  ]);
  await afterCommit(ctx, "activity", () =>
    recordActivity(ctx, {
      type: "meeting.started",
      subjectType: "meeting",
      subjectId: m.id,
      channelId,
      summary: `${nameOf(me)} started the huddle "${m.title}"`,
      data: { room_id: m.roomId, kind: "huddle" },
    }),
  );
  await afterCommit(ctx, "notification", async () => {
    const channelPeople = channelId
      ? await ctx.db
          .select({ id: channelMembers.memberId })
          .from(channelMembers)
          .where(eq(channelMembers.channelId, channelId))
          .limit(HUDDLE_NOTIFY_CAP)
      : [];
    await notify(ctx, {
      recipients: [...invitees, ...channelPeople.map((r) => r.id)],
      eventType: "meeting_started",
      title: `${nameOf(me)} started a huddle`,
      body: m.title,
      link: roomLink(m.roomId),
      data: { meeting_id: m.id, room_id: m.roomId, channel_id: channelId },
    });
  });
  return joinPayload(ctx, m, me, participants);
}

// ---- participation --------------------------------------------------------------------------

export async function joinMeeting(ctx: ServiceContext, meetingId: string, input: MeetingJoinRequest) {
  const seen = await getVisibleMeeting(ctx, meetingId);
  if (seen.status === "ended") throw conflict("This meeting has ended");
  const me = await currentMember(ctx);
  if (seen.passwordHash && seen.hostMemberId !== me.id) {
    if (input.password === undefined) throw fieldError(["body", "password"], "This meeting needs a password", "missing");
    if (!(await verifyPassword(input.password, seen.passwordHash))) throw forbidden("Incorrect meeting password");
  }
  const { m, participants, started } = await ctx.db.transaction(async (tx) => {
    const cur = await locked(tx, meetingId);
    if (cur.status === "ended") throw conflict("This meeting has ended");
    const now = new Date();
    await tx
      .insert(meetingParticipants)
      .values({ meetingId, memberId: me.id, joinedAt: now, muted: input.start_muted, videoOff: input.start_video_off })
      .onConflictDoUpdate({
        target: [meetingParticipants.meetingId, meetingParticipants.memberId],
        // Joining again from another device keeps the original join time.
        set: {
          joinedAt: sql`CASE WHEN ${meetingParticipants.leftAt} IS NULL THEN ${meetingParticipants.joinedAt} ELSE now() END`,
          leftAt: null,
          muted: input.start_muted,
          videoOff: input.start_video_off,
          handRaised: false,
          updatedAt: now,
        },
      });
    const startsNow = cur.status === "scheduled";
    const updated = await bump(tx, meetingId, startsNow ? { status: "active", startedAt: now } : {});
    return { m: updated, participants: (await activeParticipants(tx, [meetingId])).get(meetingId) ?? [], started: startsNow };
  });
  const mine = participants.find((p) => p.member_id === me.id) ?? null;
  const changes = [change(m, "participant_joined", mine, participants)];
  if (started) changes.unshift(change(m, "meeting_started", mine, participants));
  await publishMeetingChanges(ctx, m.id, changes);
  if (started) {
    await afterCommit(ctx, "activity", () =>
      recordActivity(ctx, {
        type: "meeting.started",
        subjectType: "meeting",
        subjectId: m.id,
        channelId: m.channelId,
        summary: `${nameOf(me)} started "${m.title}"`,
        data: { room_id: m.roomId, kind: m.kind },
      }),
    );
    // The catalogue's meeting_started: "a meeting you are invited to has started".
    await afterCommit(ctx, "notification", () =>
      notify(ctx, {
        recipients: m.inviteeMemberIds,
        eventType: "meeting_started",
        title: `"${m.title}" has started`,
        body: `${nameOf(me)} joined`,
        link: roomLink(m.roomId),
        data: { meeting_id: m.id, room_id: m.roomId, channel_id: m.channelId },
      }),
    );
  }
  return joinPayload(ctx, m, me, participants);
}

async function endedActivity(ctx: ServiceContext, m: MeetingRow, summary: string, reason: string) {
  await afterCommit(ctx, "activity", () =>
    recordActivity(ctx, {
      type: "meeting.ended",
      subjectType: "meeting",
      subjectId: m.id,
      channelId: m.channelId,
      summary,
      data: {
        room_id: m.roomId,
        reason,
        duration_seconds: m.startedAt && m.endedAt ? Math.round((m.endedAt.getTime() - m.startedAt.getTime()) / 1000) : null,
      },
    }),
  );
}

/** Leaves the meeting; the last one out ends it. */
export async function leaveMeeting(ctx: ServiceContext, meetingId: string) {
  await getVisibleMeeting(ctx, meetingId);
  const me = await currentMember(ctx);
  const { m, participants, left, ended } = await ctx.db.transaction(async (tx) => {
    const cur = await locked(tx, meetingId);
    const now = new Date();
    const [row] = await tx
      .update(meetingParticipants)
      .set({ leftAt: now, handRaised: false, updatedAt: now })
      .where(and(eq(meetingParticipants.meetingId, meetingId), eq(meetingParticipants.memberId, me.id), isNull(meetingParticipants.leftAt)))
      .returning({ id: meetingParticipants.id });
    if (!row) throw conflict("You are not in this meeting");
    const leftState = await myParticipant(tx, meetingId, me.id);
    const remaining = (await activeParticipants(tx, [meetingId])).get(meetingId) ?? [];
    const endsNow = remaining.length === 0 && cur.status === "active";
    const updated = await bump(tx, meetingId, endsNow ? { status: "ended", endedAt: now } : {});
    return { m: updated, participants: remaining, left: leftState, ended: endsNow };
  });
  const changes = [change(m, "participant_left", left, participants)];
  if (ended) changes.push(change(m, "meeting_ended", null, [], "last_participant_left"));
  await publishMeetingChanges(ctx, m.id, changes);
  if (ended) await endedActivity(ctx, m, `"${m.title}" ended`, "last_participant_left");
  return toMeeting(m, participants, me.id);
}

export async function updateMyParticipant(ctx: ServiceContext, meetingId: string, input: ParticipantUpdate) {
  await getVisibleMeeting(ctx, meetingId);
  const me = await currentMember(ctx);
  const { m, participants, mine } = await ctx.db.transaction(async (tx) => {
    await locked(tx, meetingId);
    const set: Partial<typeof meetingParticipants.$inferInsert> = { updatedAt: new Date() };
    if (input.is_muted !== undefined) set.muted = input.is_muted;
    if (input.is_video_on !== undefined) set.videoOff = !input.is_video_on;
    if (input.is_hand_raised !== undefined) set.handRaised = input.is_hand_raised;
    const [row] = await tx
      .update(meetingParticipants)
      .set(set)
      .where(and(eq(meetingParticipants.meetingId, meetingId), eq(meetingParticipants.memberId, me.id), isNull(meetingParticipants.leftAt)))
      .returning({ id: meetingParticipants.id });
    if (!row) throw conflict("You are not in this meeting");
    const updated = await bump(tx, meetingId);
    const list = (await activeParticipants(tx, [meetingId])).get(meetingId) ?? [];
    const self = list.find((p) => p.member_id === me.id);
    if (!self) throw conflict("You are not in this meeting");
    return { m: updated, participants: list, mine: self };
  });
  await publishMeetingChanges(ctx, m.id, [change(m, "participant_updated", mine, participants)]);
  return mine;
}

// ---- host actions ---------------------------------------------------------------------------

async function requireHost(ctx: ServiceContext, m: MeetingRow): Promise<MemberRow> {
  const me = await currentMember(ctx);
  if (m.hostMemberId !== me.id) throw forbidden("Only the host can do this");
  return me;
}

/** Ends the meeting for everyone (host only): every participant is marked as having left. */
export async function endMeeting(ctx: ServiceContext, meetingId: string) {
  const me = await requireHost(ctx, await getVisibleMeeting(ctx, meetingId));
  const m = await ctx.db.transaction(async (tx) => {
    const cur = await locked(tx, meetingId);
    if (cur.status === "ended") throw conflict("This meeting has already ended");
    const now = new Date();
    await tx
      .update(meetingParticipants)
      .set({ leftAt: now, handRaised: false, updatedAt: now })
      .where(and(eq(meetingParticipants.meetingId, meetingId), isNull(meetingParticipants.leftAt)));
    return bump(tx, meetingId, { status: "ended", endedAt: now });
  });
  await publishMeetingChanges(ctx, m.id, [change(m, "meeting_ended", null, [], "ended_by_host")]);
  await endedActivity(ctx, m, `${nameOf(me)} ended "${m.title}"`, "ended_by_host");
  return toMeeting(m, [], me.id);
}

/** Deletes the meeting and its participant records (host only); live clients get meeting_ended. */
export async function deleteMeeting(ctx: ServiceContext, meetingId: string) {
  const m = await getVisibleMeeting(ctx, meetingId);
  const me = await requireHost(ctx, m);
  const [gone] = await ctx.db
    .delete(meetings)
    .where(eq(meetings.id, meetingId))
    .returning({ id: meetings.id, status: meetings.status, stateVersion: meetings.stateVersion });
  if (!gone) throw meetingNotFound();
  if (gone.status !== "ended") {
    await publishMeetingChanges(ctx, m.id, [
      change({ ...m, status: "ended", stateVersion: gone.stateVersion + 1 }, "meeting_ended", null, [], "deleted"),
    ]);
  }
  await afterCommit(ctx, "activity", () =>
    recordActivity(ctx, {
      type: "meeting.deleted",
      subjectType: "meeting",
      subjectId: m.id,
      channelId: m.channelId,
      summary: `${nameOf(me)} deleted "${m.title}"`,
      data: { room_id: m.roomId },
    }),
  );
}

// ---- live stream ----------------------------------------------------------------------------

const isEnd = (e: { event?: string }) => e.event === "meeting_ended";

/**
 * SSE of the meeting's room: participant_joined / participant_updated / participant_left,
 * meeting_started and meeting_ended (which ends the stream). An ended meeting answers with what
 * it has after `since` and closes at once, instead of waiting for events that never come.
 */
export async function streamMeeting(ctx: ServiceContext, meetingId: string, since: number, signal?: AbortSignal): Promise<Response> {
  const m = await getVisibleMeeting(ctx, meetingId);
  if (m.status === "ended") {
    const events = await meetingRoom(ctx, m.id).replay(since);
    const body = `retry: 3000\n\n${events.map((e) => formatSse(e)).join("")}`;
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  }
  return relayRoomAsSse(meetingRoomStub(ctx, m.id), { since, requestId: ctx.requestId, ...(signal ? { signal } : {}), isTerminal: isEnd });
}
