import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

export const MeetingParticipantSchema = z
  .object({
    member_id: z.uuid(),
    name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    joined_at: isoDate,
    is_muted: z.boolean(),
    is_video_on: z.boolean(),
    is_hand_raised: z.boolean(),
  })
  .openapi("MeetingParticipant");

export const MeetingSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    kind: z.enum(["scheduled", "huddle"]),
    room_id: z.string().openapi({ description: "The LiveKit room; also the join link's id (GET /meetings/room/{room_id})" }),
    host_member_id: z.uuid(),
    channel_id: z.uuid().nullable(),
    has_password: z.boolean(),
    invite_member_ids: z.array(z.uuid()),
    scheduled_start: isoDate.nullable(),
    scheduled_end: isoDate.nullable(),
    status: z.enum(["scheduled", "active", "ended"]),
    started_at: isoDate.nullable(),
    ended_at: isoDate.nullable(),
    participant_count: z.number().int().openapi({ description: "People in the meeting now" }),
    participants: z.array(MeetingParticipantSchema).openapi({ description: "People in the meeting now" }),
    is_host: z.boolean(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Meeting");

export const MeetingJoinSchema = z
  .object({
    meeting: MeetingSchema,
    participant: MeetingParticipantSchema,
    token: z.string().openapi({ description: "LiveKit access token (HS256 JWT, 6 hours)" }),
    url: z.string().openapi({ description: "LiveKit server URL to connect to with the token" }),
    room_id: z.string(),
    identity: z.string().openapi({ description: "Your LiveKit identity (your member id)" }),
    expires_at: isoDate,
  })
  .openapi("MeetingJoin");

const title = z.string().trim().min(1).max(200);
const password = z.string().min(4).max(128);
const inviteIds = z
  .array(z.uuid())
  .max(200)
  .optional()
  .openapi({ description: "Active members of the workspace to invite (they get a notification)" });
const channelSlug = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .optional()
  .openapi({ description: "Hold it in this channel: visible to whoever sees the channel; you must be able to post there" });

export const MeetingCreate = z
  .object({
    title,
    description: z.string().trim().max(5000).nullable().optional(),
    scheduled_start: z.iso.datetime({ offset: true }).openapi({ example: "2026-09-01T09:00:00Z" }),
    scheduled_end: z.iso.datetime({ offset: true }).nullable().optional(),
    channel_slug: channelSlug,
    password: password.optional().openapi({ description: "Joining then needs it (the host excepted)" }),
    invite_member_ids: inviteIds,
  })
  .refine((v) => !v.scheduled_end || Date.parse(v.scheduled_end) > Date.parse(v.scheduled_start), {
    path: ["scheduled_end"],
    message: "scheduled_end must be after scheduled_start",
  })
  .openapi("MeetingCreate");
export type MeetingCreate = z.infer<typeof MeetingCreate>;

export const HuddleCreate = z
  .object({
    name: title.optional().openapi({ description: `Default: "{your name}'s Huddle"` }),
    channel_slug: channelSlug,
    invite_member_ids: inviteIds,
    password: password.optional(),
    start_muted: z.boolean().default(true),
    start_video_off: z.boolean().default(true),
  })
  .openapi("HuddleCreate");
export type HuddleCreate = z.infer<typeof HuddleCreate>;

export const MeetingJoinRequest = z
  .object({
    password: z.string().max(128).optional().openapi({ description: "Required when the meeting has one (not for the host)" }),
    start_muted: z.boolean().default(true),
    start_video_off: z.boolean().default(true),
  })
  .openapi("MeetingJoinRequest");
export type MeetingJoinRequest = z.infer<typeof MeetingJoinRequest>;

export const ParticipantUpdate = z
  .object({
    is_muted: z.boolean().optional(),
    is_video_on: z.boolean().optional(),
    is_hand_raised: z.boolean().optional(),
  })
  .refine((v) => v.is_muted !== undefined || v.is_video_on !== undefined || v.is_hand_raised !== undefined, {
    message: "Give at least one of is_muted, is_video_on, is_hand_raised",
  })
  .openapi("MeetingParticipantUpdate");
export type ParticipantUpdate = z.infer<typeof ParticipantUpdate>;

const boolQuery = (description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ type: "boolean", description });

export const ListMeetingsQuery = z.object({
  include_ended: boolQuery("Include ended meetings (default false)"),
  my_meetings_only: boolQuery("Only meetings I host, am invited to or have joined (default false)"),
  status: z.enum(["scheduled", "active", "ended"]).optional(),
  kind: z.enum(["scheduled", "huddle"]).optional(),
  upcoming: boolQuery("Only scheduled meetings that start from now on"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ListMeetingsQuery = z.infer<typeof ListMeetingsQuery>;

export const MeetingIdParam = z.object({
  meeting_id: z.string().openapi({ param: { name: "meeting_id", in: "path" } }),
});

export const RoomIdParam = z.object({
  room_id: z.string().openapi({ param: { name: "room_id", in: "path" } }),
});
