import { sql } from "drizzle-orm";
import { type AnyPgColumn, bigint, boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";
import { teams } from "../teams/tables";

/** Tenant database: channels. The slug is made from the name once and never changes. */
export const channels = pgTable(
  "channels",
  {
    id: pk(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    isPrivate: boolean("is_private").notNull().default(false),
    isArchived: boolean("is_archived").notNull().default(false),
    isCompleted: boolean("is_completed").notNull().default(false),
    /** Completion metadata ("complete" also archives the channel). */
    completedAt: ts("completed_at"),
    completedByMemberId: uuid("completed_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    /** Per-channel message sequence (also the ChannelRoom event order for messages). */
    lastMessageSeq: bigint("last_message_seq", { mode: "number" }).notNull().default(0),
    lastMessageAt: ts("last_message_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("channels_slug_key").on(t.slug)],
);

/** Participants: who is in the channel, their channel role, read marker, star and mute. */
export const channelMembers = pgTable(
  "channel_members",
  {
    id: pk(),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    role: text("role").$type<"admin" | "member">().notNull().default("member"),
    /** High-water mark: the highest message seq read. Never moves backwards. */
    lastReadSeq: bigint("last_read_seq", { mode: "number" }).notNull().default(0),
    lastReadAt: ts("last_read_at"),
    isStarred: boolean("is_starred").notNull().default(false),
    isMuted: boolean("is_muted").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("channel_members_channel_member_key").on(t.channelId, t.memberId),
    index("channel_members_member_idx").on(t.memberId),
  ],
);

/** Access grants of a (private) channel to a member or a team. */
export const channelAccess = pgTable(
  "channel_access",
  {
    id: pk(),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    memberId: uuid("member_id").references(() => members.id, { onDelete: "cascade" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "cascade" }),
    canPost: boolean("can_post").notNull().default(true),
    grantedByMemberId: uuid("granted_by_member_id"),
    createdAt: createdAt(),
  },
  (t) => [
    check("channel_access_one_grantee", sql`(${t.memberId} IS NULL) <> (${t.teamId} IS NULL)`),
    uniqueIndex("channel_access_member_key").on(t.channelId, t.memberId).where(sql`${t.memberId} IS NOT NULL`),
    uniqueIndex("channel_access_team_key").on(t.channelId, t.teamId).where(sql`${t.teamId} IS NOT NULL`),
  ],
);

/**
 * Messages, numbered per channel by `seq` (cursor pagination and read markers use it).
 * Squashing soft-deletes a range into a summary message (`squashed_into_id`), restorable.
 */
export const messages = pgTable(
  "messages",
  {
    id: pk(),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    authorMemberId: uuid("author_member_id").references(() => members.id, { onDelete: "set null" }),
    content: text("content").notNull(),
    /** message (a person), summary (squash/AI summary), system (joins, leaves, …). */
    kind: text("kind").$type<"message" | "summary" | "system">().notNull().default("message"),
    parentId: uuid("parent_id").references((): AnyPgColumn => messages.id, { onDelete: "set null" }),
    mentions: jsonb("mentions").$type<string[]>().notNull().default([]),
    attachments: jsonb("attachments").$type<Record<string, unknown>[]>().notNull().default([]),
    reactions: jsonb("reactions").$type<Record<string, string[]>>().notNull().default({}),
    squashedIntoId: uuid("squashed_into_id").references((): AnyPgColumn => messages.id, { onDelete: "set null" }),
    squashedCount: integer("squashed_count"),
    editedAt: ts("edited_at"),
    deletedAt: ts("deleted_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Unique among live messages only: a squash summary takes over the seq of the newest message
    // it hides (so it sits where they were), and a restore gives it back.
    uniqueIndex("messages_channel_seq_key").on(t.channelId, t.seq).where(sql`${t.deletedAt} IS NULL`),
    // Cursor pages that include deleted/squashed messages, and cascades from channels.
    index("messages_channel_seq_idx").on(t.channelId, t.seq),
    index("messages_author_idx").on(t.authorMemberId),
    index("messages_squashed_into_idx").on(t.squashedIntoId).where(sql`${t.squashedIntoId} IS NOT NULL`),
  ],
);

/** Files uploaded to a channel; the bytes live in R2 under `r2_key` (channels/<channel_id>/<uuid>/<name>). */
export const channelFiles = pgTable(
  "channel_files",
  {
    id: pk(),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    uploadedByMemberId: uuid("uploaded_by_member_id").references(() => members.id, { onDelete: "set null" }),
    fileName: text("file_name").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    r2Key: text("r2_key").notNull(),
    description: text("description"),
    createdAt: createdAt(),
  },
  (t) => [index("channel_files_channel_idx").on(t.channelId, t.createdAt), uniqueIndex("channel_files_r2_key_key").on(t.r2Key)],
);

/**
 * Records linked to a channel. The records module keeps its own tables (there is no FK to them
 * here): a link is a uuid, and a removed record simply leaves a link that resolves to nothing.
 */
export const channelRecords = pgTable(
  "channel_records",
  {
    id: pk(),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    recordId: uuid("record_id").notNull(),
    recordsetId: uuid("recordset_id"),
    note: text("note"),
    addedByMemberId: uuid("added_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("channel_records_channel_record_key").on(t.channelId, t.recordId),
    index("channel_records_record_idx").on(t.recordId),
  ],
);
