import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

// ---- path parameters -------------------------------------------------------------------------

const pathParam = (name: string) => z.string().openapi({ param: { name, in: "path" } });

export const ChannelSlugParam = z.object({ channel_slug: pathParam("channel_slug") });
export const ChannelFileParams = z.object({ channel_slug: pathParam("channel_slug"), file_id: pathParam("file_id") });
export const ChannelAccessMemberParams = z.object({ channel_slug: pathParam("channel_slug"), member_id: pathParam("member_id") });
export const ChannelAccessTeamParams = z.object({ channel_slug: pathParam("channel_slug"), team_id: pathParam("team_id") });
export const ChannelRecordParams = z.object({ channel_slug: pathParam("channel_slug"), record_id: pathParam("record_id") });

const bool = (description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ type: "boolean", description });

// ---- channels --------------------------------------------------------------------------------

export const ChannelRoleSchema = z.enum(["admin", "member"]).openapi("ChannelRole");

export const ChannelSchema = z
  .object({
    id: z.uuid(),
    slug: z.string().openapi({ description: "Made from the name at creation; never changes" }),
    name: z.string(),
    description: z.string().nullable(),
    is_private: z.boolean(),
    is_archived: z.boolean(),
    is_completed: z.boolean(),
    completed_at: isoDate.nullable(),
    completed_by_member_id: z.uuid().nullable(),
    created_by_member_id: z.uuid().nullable(),
    member_count: z.number().int().openapi({ description: "Participants" }),
    last_message_seq: z.number().int(),
    last_message_at: isoDate.nullable(),
    is_member: z.boolean().openapi({ description: "Whether you participate in the channel" }),
    channel_role: ChannelRoleSchema.nullable().openapi({ description: "Your role in the channel, if you participate" }),
    is_starred: z.boolean(),
    is_muted: z.boolean(),
    unread_count: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Messages after your read marker (not your own, not deleted); null if you do not participate" }),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Channel");

export const ChannelListSchema = z
  .object({
    items: z.array(ChannelSchema),
    total: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
    skip: z.number().int(),
    limit: z.number().int(),
  })
  .openapi("ChannelList");

const name = z.string().trim().min(1).max(80);
const description = z.string().trim().max(2000).nullable();
const idList = (what: string) => z.array(z.uuid()).max(200).optional().openapi({ description: what });

export const ChannelCreate = z
  .object({
    name,
    description: description.optional(),
    is_private: z.boolean().default(false),
    member_ids: idList("Active workspace members to add as participants (the creator is added as channel admin)"),
    team_ids: idList("Teams to grant access to (can post)"),
  })
  .openapi("ChannelCreate");
export type ChannelCreate = z.infer<typeof ChannelCreate>;

export const ChannelUpdate = z
  .object({
    name: name.optional().openapi({ description: "The slug stays as it was" }),
    description: description.optional(),
    is_private: z.boolean().optional(),
    is_archived: z.boolean().optional().openapi({ description: "Archive (true) or unarchive (false)" }),
  })
  .openapi("ChannelUpdate");
export type ChannelUpdate = z.infer<typeof ChannelUpdate>;

export const ChannelComplete = z
  .object({
    is_completed: z
      .boolean()
      .optional()
      .openapi({ description: "true (the default) completes and archives the channel; false reopens and unarchives it" }),
  })
  .openapi("ChannelComplete");
export type ChannelComplete = z.infer<typeof ChannelComplete>;

export const ListChannelsQuery = z.object({
  search: z.string().trim().max(200).optional().openapi({ description: "Case-insensitive match on name, slug and description" }),
  status: z
    .enum(["active", "archived", "completed", "all"])
    .optional()
    .openapi({ description: "active: not archived; archived: archived (completed included); completed: completed" }),
  type: z.enum(["public", "private"]).optional(),
  is_archived: bool("Only archived (true) or unarchived (false) channels"),
  is_completed: bool("Only completed (true) or open (false) channels"),
  starred: bool("Only channels you starred (true) or did not (false)"),
  is_member: bool("Only channels you participate in (true) or not (false)"),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(50),
  skip: z.coerce.number().int().min(0).optional().openapi({ description: "Offset; overrides page when given" }),
  limit: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "Page size; overrides page_size when given" }),
});
export type ListChannelsQuery = z.infer<typeof ListChannelsQuery>;

export const ChannelPermissionsSchema = z
  .object({
    channel_id: z.uuid(),
    channel_slug: z.string(),
    is_member: z.boolean(),
    channel_role: ChannelRoleSchema.nullable(),
    can_view: z.boolean(),
    can_post: z.boolean().openapi({ description: "Post messages, upload files and link records" }),
    can_manage: z.boolean().openapi({ description: "Edit, archive, complete, delete, manage access and participants" }),
    can_join: z.boolean(),
    can_leave: z.boolean(),
    can_add_members: z.boolean(),
    can_manage_access: z.boolean(),
    can_edit: z.boolean(),
    can_delete: z.boolean(),
  })
  .openapi("ChannelPermissions");

// ---- access grants ---------------------------------------------------------------------------

export const ChannelAccessGrantSchema = z
  .object({
    id: z.uuid(),
    channel_id: z.uuid(),
    grantee_type: z.enum(["member", "team"]),
    member_id: z.uuid().nullable(),
    team_id: z.uuid().nullable(),
    name: z.string().nullable().openapi({ description: "The member's name (or email) or the team's name" }),
    can_post: z.boolean(),
    granted_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
  })
  .openapi("ChannelAccessGrant");

export const ChannelAccessCreate = z
  .object({
    member_id: z.uuid().optional(),
    team_id: z.uuid().optional(),
    member_ids: idList("Members to grant access to"),
    team_ids: idList("Teams to grant access to"),
    can_post: z.boolean().default(true).openapi({ description: "false: read-only access (existing grants are updated)" }),
  })
  .refine((v) => !!(v.member_id || v.team_id || v.member_ids?.length || v.team_ids?.length), {
    message: "Give at least one of member_id, team_id, member_ids, team_ids",
    path: ["member_ids"],
  })
  .openapi("ChannelAccessCreate");
export type ChannelAccessCreate = z.infer<typeof ChannelAccessCreate>;

// ---- participants ----------------------------------------------------------------------------

export const ChannelMemberSchema = z
  .object({
    id: z.uuid().openapi({ description: "The participation's id" }),
    channel_id: z.uuid(),
    member_id: z.uuid().openapi({ description: "The workspace member's id" }),
    role: ChannelRoleSchema,
    email: z.string(),
    full_name: z.string().nullable(),
    display_name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    workspace_role: z.string(),
    joined_at: isoDate,
  })
  .openapi("ChannelMember");

export const ChannelMembersAdd = z
  .object({
    member_id: z.uuid().optional(),
    member_ids: idList("Members to add"),
    role: ChannelRoleSchema.optional().openapi({
      description: "New participants default to member; given for existing ones, it changes their role. Viewers cannot be channel admins.",
    }),
  })
  .refine((v) => !!(v.member_id || v.member_ids?.length), { message: "Give member_id or member_ids", path: ["member_ids"] })
  .openapi("ChannelMembersAdd");
export type ChannelMembersAdd = z.infer<typeof ChannelMembersAdd>;

export const ChannelLeaveSchema = z
  .object({ channel_id: z.uuid(), member_id: z.uuid(), left: z.boolean().openapi({ description: "false if you were not a participant" }) })
  .openapi("ChannelLeave");

export const ChannelStar = z
  .object({ is_starred: z.boolean().optional().openapi({ description: "Set explicitly; omitted (or no body) toggles" }) })
  .openapi("ChannelStar");
export const ChannelMute = z
  .object({ is_muted: z.boolean().optional().openapi({ description: "Set explicitly; omitted (or no body) toggles" }) })
  .openapi("ChannelMute");
export type ChannelStar = z.infer<typeof ChannelStar>;
export type ChannelMute = z.infer<typeof ChannelMute>;

export const ChannelPreferencesSchema = z
  .object({ channel_id: z.uuid(), channel_slug: z.string(), is_starred: z.boolean(), is_muted: z.boolean() })
  .openapi("ChannelPreferences");

// ---- activities ------------------------------------------------------------------------------

export const LimitOffsetQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type LimitOffsetQuery = z.infer<typeof LimitOffsetQuery>;

export const ChannelActivitySchema = z
  .object({
    id: z.uuid(),
    type: z.string().openapi({ example: "channel.joined" }),
    actor_member_id: z.uuid().nullable(),
    actor_name: z.string().nullable(),
    subject_type: z.string(),
    subject_id: z.uuid().nullable(),
    channel_id: z.uuid().nullable(),
    summary: z.string(),
    data: z.record(z.string(), z.unknown()),
    created_at: isoDate,
  })
  .openapi("ChannelActivity");

export const ChannelActivityListSchema = z
  .object({ items: z.array(ChannelActivitySchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("ChannelActivityList");

// ---- files -----------------------------------------------------------------------------------

export const ChannelFileSchema = z
  .object({
    id: z.uuid(),
    channel_id: z.uuid(),
    file_name: z.string(),
    content_type: z.string(),
    size_bytes: z.number().int(),
    description: z.string().nullable(),
    uploaded_by_member_id: z.uuid().nullable(),
    uploaded_by_name: z.string().nullable(),
    url: z.string().openapi({ description: "This file's redirect endpoint (needs your credentials); see signed-url for a shareable link" }),
    created_at: isoDate,
  })
  .openapi("ChannelFile");

export const ChannelFileUploadBody = z
  .object({ file: z.any().openapi({ type: "string", format: "binary", description: "Any type, up to 25 MB" }) })
  .openapi("ChannelFileUpload");

export const ChannelFileUploadQuery = z.object({ description: z.string().trim().max(2000).optional() });

export const FileDownloadQuery = z.object({
  download: bool("true: Content-Disposition attachment (save) instead of inline"),
});

export const SignedUrlSchema = z
  .object({
    url: z.string().openapi({ description: "GET it without credentials until expires_at" }),
    expires_at: isoDate,
  })
  .openapi("SignedUrl");

export const ChannelFileRedirectSchema = ChannelFileSchema.extend({ signed_url: z.string(), expires_at: isoDate }).openapi(
  "ChannelFileRedirect",
);

export const SignedDownloadQuery = z.object({
  key: z.string().min(1).max(1024),
  exp: z.coerce.number().int(),
  sig: z.string().min(1).max(200),
  download: z.enum(["1", "true", "0", "false"]).optional(),
});
export type SignedDownloadQuery = z.infer<typeof SignedDownloadQuery>;

// ---- linked records --------------------------------------------------------------------------

export const ChannelRecordSchema = z
  .object({
    id: z.uuid(),
    channel_id: z.uuid(),
    record_id: z.uuid(),
    recordset_id: z.uuid().nullable(),
    note: z.string().nullable(),
    added_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
  })
  .openapi("ChannelRecord");

export const ChannelRecordListSchema = z
  .object({ items: z.array(ChannelRecordSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("ChannelRecordList");

export const ChannelRecordsAdd = z
  .object({
    record_id: z.uuid().optional(),
    record_ids: idList("Records to link"),
    recordset_id: z.uuid().nullable().optional(),
    note: z.string().trim().max(2000).nullable().optional(),
  })
  .refine((v) => !!(v.record_id || v.record_ids?.length), { message: "Give record_id or record_ids", path: ["record_ids"] })
  .openapi("ChannelRecordsAdd");
export type ChannelRecordsAdd = z.infer<typeof ChannelRecordsAdd>;
