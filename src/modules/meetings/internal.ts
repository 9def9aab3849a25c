import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { MeetingChange, MeetingParticipantState, MeetingRoom } from "../../../durable-objects/meeting-room";
import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { channelAccessFor } from "../channels/internal";
import { channels } from "../channels/tables";
import { members } from "../members/tables";
import { meetingParticipants, meetings } from "./tables";

export type MeetingRow = typeof meetings.$inferSelect;

/** The database or a transaction on it. */
import type { Tx } from "../../platform/db";

export type { Tx };

export const participantColumns = {
  p: meetingParticipants,
  displayName: members.displayName,
  fullName: members.fullName,
  email: members.email,
  avatarUrl: members.avatarUrl,
};

type ParticipantJoined = {
  p: typeof meetingParticipants.$inferSelect;
  displayName: string | null;
  fullName: string | null;
  email: string;
  avatarUrl: string | null;
};

export function toParticipant(r: ParticipantJoined): MeetingParticipantState {
  return {
    member_id: r.p.memberId,
    name: r.displayName ?? r.fullName ?? r.email,
    avatar_url: r.avatarUrl,
    joined_at: r.p.joinedAt.toISOString(),
    is_muted: r.p.muted,
    is_video_on: !r.p.videoOff,
    is_hand_raised: r.p.handRaised,
  };
}

/** People in the meetings now (left_at null), by meeting id, in joining order. */
export async function activeParticipants(db: Tx, meetingIds: string[]): Promise<Map<string, MeetingParticipantState[]>> {
  const out = new Map<string, MeetingParticipantState[]>();
  if (meetingIds.length === 0) return out;
  const rows = await db
    .select(participantColumns)
    .from(meetingParticipants)
    .innerJoin(members, eq(members.id, meetingParticipants.memberId))
    .where(and(inArray(meetingParticipants.meetingId, meetingIds), isNull(meetingParticipants.leftAt)))
    .orderBy(asc(meetingParticipants.joinedAt), asc(meetingParticipants.id));
  for (const r of rows) {
    const list = out.get(r.p.meetingId) ?? [];
    list.push(toParticipant(r));
    out.set(r.p.meetingId, list);
  }
  return out;
}

export function toMeeting(m: MeetingRow, participants: MeetingParticipantState[], viewerMemberId: string) {
  return {
    id: m.id,
    title: m.title,
    description: m.description,
    kind: m.kind,
    room_id: m.roomId,
    host_member_id: m.hostMemberId,
    channel_id: m.channelId,
    has_password: m.passwordHash !== null,
    invite_member_ids: m.inviteeMemberIds,
    scheduled_start: m.scheduledStart?.toISOString() ?? null,
    scheduled_end: m.scheduledEnd?.toISOString() ?? null,
    status: m.status,
    started_at: m.startedAt?.toISOString() ?? null,
    ended_at: m.endedAt?.toISOString() ?? null,
    participant_count: participants.length,
    participants,
    is_host: m.hostMemberId === viewerMemberId,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

export const meetingNotFound = () => new ServiceError("not_found", "Meeting not found");

/**
 * Whether the caller may see the meeting: one in a channel follows the channel's visibility
 * (channelAccessFor, the channels module's one check); any other is visible to every member.
 */
export async function canSeeMeeting(ctx: ServiceContext, m: MeetingRow): Promise<boolean> {
  if (!m.channelId) return true;
  const [channel] = await ctx.db.select().from(channels).where(eq(channels.id, m.channelId)).limit(1);
  if (!channel) return false;
  return (await channelAccessFor(ctx, channel)).canView;
}

/** Fetch-or-404 by id; invisible meetings are 404 too (ids that are not UUIDs are simply not found). */
export async function getVisibleMeeting(ctx: ServiceContext, meetingId: string): Promise<MeetingRow> {
  if (!isUuid(meetingId)) throw meetingNotFound();
  const [m] = await ctx.db.select().from(meetings).where(eq(meetings.id, meetingId)).limit(1);
  if (!m || !(await canSeeMeeting(ctx, m))) throw meetingNotFound();
  return m;
}

/** Typed client of a meeting's MeetingRoom Durable Object (one per workspace + meeting). */
export interface MeetingRoomClient {
  apply(change: MeetingChange): Promise<number>;
  replay(since?: number): Promise<{ id: number; event?: string; data: unknown }[]>;
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

export function meetingRoomStub(ctx: ServiceContext, meetingId: string): DurableObjectStub<MeetingRoom> {
  const ns = ctx.env.MEETING_ROOM;
  return ns.get(ns.idFromName(`${ctx.workspace?.id}:${meetingId}`));
}

export function meetingRoom(ctx: ServiceContext, meetingId: string): MeetingRoomClient {
  return meetingRoomStub(ctx, meetingId) as unknown as MeetingRoomClient;
}

/**
 * Publishes committed changes to the meeting's room, in order. The database already holds them,
 * so a failing room only delays live clients (the next change carries the full list again).
 */
export async function publishMeetingChanges(ctx: ServiceContext, meetingId: string, changes: MeetingChange[]): Promise<void> {
  const room = meetingRoom(ctx, meetingId);
  try {
    for (const c of changes) await room.apply(c);
  } catch (e) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "meeting room publish failed",
        meeting_id: meetingId,
        request_id: ctx.requestId,
        error: String(e),
      }),
    );
  }
}
