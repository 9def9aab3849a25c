import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { channels } from "../channels/tables";
import { members } from "../members/tables";

export type MeetingKind = "scheduled" | "huddle";
export type MeetingStatus = "scheduled" | "active" | "ended";

/**
 * Tenant database: meetings and huddles. `room_id` names the LiveKit room (and the join link).
 * A meeting in a channel is visible to whoever sees the channel; others to every member.
 * `state_version` grows with every participant change (under the row lock), so the MeetingRoom
 * Durable Object can tell a late, stale snapshot from a newer one.
 */
export const meetings = pgTable(
  "meetings",
  {
    id: pk(),
    title: text("title").notNull(),
    description: text("description"),
    kind: text("kind").$type<MeetingKind>().notNull(),
    roomId: text("room_id").notNull(),
    hostMemberId: uuid("host_member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id").references(() => channels.id, { onDelete: "cascade" }),
    /** scrypt (src/platform/passwords.ts); null = no password. */
    passwordHash: text("password_hash"),
    inviteeMemberIds: jsonb("invitee_member_ids").$type<string[]>().notNull().default([]),
    scheduledStart: ts("scheduled_start"),
    scheduledEnd: ts("scheduled_end"),
    status: text("status").$type<MeetingStatus>().notNull().default("scheduled"),
    startedAt: ts("started_at"),
    endedAt: ts("ended_at"),
    stateVersion: integer("state_version").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("meetings_room_id_key").on(t.roomId),
    index("meetings_status_idx").on(t.status, t.scheduledStart),
    index("meetings_channel_idx").on(t.channelId),
    index("meetings_host_idx").on(t.hostMemberId),
  ],
);

/** Who joined a meeting; `left_at` null = in the meeting now. One row per member, reused on rejoin. */
export const meetingParticipants = pgTable(
  "meeting_participants",
  {
    id: pk(),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    joinedAt: ts("joined_at").notNull().defaultNow(),
    leftAt: ts("left_at"),
    muted: boolean("muted").notNull().default(true),
    videoOff: boolean("video_off").notNull().default(true),
    handRaised: boolean("hand_raised").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("meeting_participants_meeting_member_key").on(t.meetingId, t.memberId),
    index("meeting_participants_member_active_idx").on(t.memberId).where(sql`${t.leftAt} IS NULL`),
  ],
);
