import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

// Schemas of the conversation half of Channels: messages, read markers, squash/summarize, live.

const pathParam = (name: string) => z.string().openapi({ param: { name, in: "path" } });

export const SlugParam = z.object({ channel_slug: pathParam("channel_slug") });
export const ChannelMessageParams = z.object({ channel_slug: pathParam("channel_slug"), message_id: pathParam("message_id") });

const bool = (description: string) =>
  z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1")
    .openapi({ type: "boolean", description });

export const MESSAGE_MAX_CHARS = 10_000;

export const MessageKindSchema = z
  .enum(["message", "summary", "system"])
  .openapi("ChannelMessageKind", { description: "message: a person's; summary: a squash summary; system: joins, leaves, …" });

export const ChannelMessageSchema = z
  .object({
    id: z.uuid(),
    channel_id: z.uuid(),
    seq: z.number().int().openapi({ description: "Position in the channel (1, 2, …); cursors and read markers use it" }),
    author_member_id: z.uuid().nullable(),
    author_name: z.string().nullable(),
    author_avatar_url: z.string().nullable(),
    content: z.string().openapi({ description: "Empty for deleted messages (listed only with include_deleted)" }),
    kind: MessageKindSchema,
    parent_id: z.uuid().nullable().openapi({ description: "The message this one replies to (threads)" }),
    mentions: z.array(z.uuid()).openapi({ description: "Mentioned member ids" }),
    attachments: z.array(z.record(z.string(), z.unknown())),
    reactions: z.record(z.string(), z.array(z.string())).openapi({ description: "emoji → member ids" }),
    squashed_into_id: z.uuid().nullable().openapi({ description: "The summary that hides this message, if squashed" }),
    squashed_count: z.number().int().nullable().openapi({ description: "Summaries: how many messages they hide" }),
    is_edited: z.boolean(),
    edited_at: isoDate.nullable(),
    deleted_at: isoDate.nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("ChannelMessage");
export type ChannelMessage = z.infer<typeof ChannelMessageSchema>;

const content = z
  .string()
  .min(1)
  .max(MESSAGE_MAX_CHARS)
  .refine((s) => s.trim().length > 0, "Message must not be blank")
  .openapi({ description: `1 to ${MESSAGE_MAX_CHARS.toLocaleString("en")} characters` });
const mentions = z.array(z.uuid()).max(50).openapi({ description: "Member ids to notify (active workspace members; at most 50)" });
const attachments = z
  .array(z.record(z.string(), z.unknown()))
  .max(20)
  .openapi({ description: "Free-form attachment descriptors, e.g. {file_id, name, content_type, size}; at most 20" });

export const MessageCreate = z
  .object({
    content,
    parent_id: z.uuid().nullable().optional().openapi({ description: "Reply in the thread of this message (same channel)" }),
    mentions: mentions.optional(),
    attachments: attachments.optional(),
  })
  .openapi("ChannelMessageCreate");
export type MessageCreate = z.infer<typeof MessageCreate>;

export const MessageUpdate = z
  .object({
    content,
    mentions: mentions.optional().openapi({ description: "Replaces the mentions; newly mentioned members are notified" }),
    attachments: attachments.optional(),
  })
  .openapi("ChannelMessageUpdate");
export type MessageUpdate = z.infer<typeof MessageUpdate>;

const cursor = (description: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(64)
    .refine(
      (s) => /^\d{1,15}$/.test(s) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
      "A message id or a seq number",
    )
    .optional()
    .openapi({ description });

export const MESSAGES_MAX_LIMIT = 100;

export const ListMessagesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(MESSAGES_MAX_LIMIT).default(50),
    before: cursor("Older messages than this message id (or seq): scroll up"),
    after: cursor("Newer messages than this message id (or seq): scroll down"),
    around: cursor("Messages centred on this message id (or seq), for deep links: about limit/2 on each side"),
    parent_id: z.uuid().optional().openapi({ description: "Only the replies in this message's thread" }),
    include_squashed: bool("Also list messages hidden in squash summaries (they keep their seq)"),
    include_deleted: bool("Also list deleted messages, as tombstones (content empty)"),
  })
  .refine((q) => [q.before, q.after, q.around].filter((v) => v !== undefined).length <= 1, {
    message: "Give at most one of before, after, around",
    path: ["around"],
  });
export type ListMessagesQuery = z.infer<typeof ListMessagesQuery>;

export const MessagePageSchema = z
  .object({
    messages: z.array(ChannelMessageSchema).openapi({ description: "Oldest first (ascending seq), ready to render" }),
    has_more_before: z.boolean().openapi({ description: "Older messages exist: pass the first message's id as before" }),
    has_more_after: z.boolean().openapi({ description: "Newer messages exist: pass the last message's id as after" }),
    last_message_seq: z.number().int().openapi({ description: "The channel's newest seq" }),
  })
  .openapi("ChannelMessagePage");

// ---- read markers --------------------------------------------------------------------------

export const MarkReadQuery = z.object({
  message_id: z.uuid().optional().openapi({ description: "The message read up to; omitted: the newest message" }),
});

export const ReadStatusSchema = z
  .object({
    channel_id: z.uuid(),
    channel_slug: z.string(),
    member_id: z.uuid(),
    is_participant: z.boolean().openapi({ description: "Only participants have a read position" }),
    last_read_seq: z.number().int().openapi({ description: "High-water mark: never moves backwards" }),
    last_read_message_id: z.uuid().nullable(),
    last_read_at: isoDate.nullable().openapi({ description: "When you last marked the channel read" }),
    last_message_seq: z.number().int(),
    unread_count: z
      .number()
      .int()
      .openapi({ description: "Messages after the read position, not deleted or squashed, not your own (0 if not a participant)" }),
  })
  .openapi("ChannelReadStatus");
export type ReadStatus = z.infer<typeof ReadStatusSchema>;

export const UnreadCountSchema = z
  .object({
    channel_id: z.uuid(),
    channel_slug: z.string(),
    channel_name: z.string(),
    unread_count: z.number().int(),
    last_read_seq: z.number().int(),
    last_message_seq: z.number().int(),
    last_message_at: isoDate.nullable(),
    is_muted: z.boolean(),
    is_starred: z.boolean(),
  })
  .openapi("ChannelUnreadCount");

export const UnreadCountsSchema = z
  .object({
    channels: z.array(UnreadCountSchema).openapi({ description: "Every channel you participate in" }),
    total_unread: z.number().int().openapi({ description: "Sum over channels you have not muted" }),
  })
  .openapi("ChannelUnreadCounts");

// ---- squash, restore, summarize ------------------------------------------------------------

const direction = z.enum(["above", "below"]).openapi({
  description: "above: messages before the reference message (older); below: messages after it (newer)",
});

export const SquashQuery = z.object({
  direction,
  summary: z
    .string()
    .min(1)
    .max(MESSAGE_MAX_CHARS)
    .refine((s) => s.trim().length > 0, "Summary must not be blank")
    .openapi({ description: "The summary message's text" }),
});
export type SquashQuery = z.infer<typeof SquashQuery>;

export const SquashResultSchema = z
  .object({
    summary: ChannelMessageSchema,
    squashed_count: z.number().int(),
    squashed_message_ids: z.array(z.uuid()),
  })
  .openapi("ChannelSquashResult");

export const RestoreResultSchema = z
  .object({
    summary_id: z.uuid(),
    restored_count: z.number().int(),
    messages: z.array(ChannelMessageSchema).openapi({ description: "The restored messages, oldest first" }),
  })
  .openapi("ChannelRestoreResult");

export const SquashedListSchema = z
  .object({
    summary: ChannelMessageSchema,
    messages: z.array(ChannelMessageSchema).openapi({ description: "Oldest first" }),
    total: z.number().int(),
  })
  .openapi("ChannelSquashedMessages");

export const SUMMARIZE_MAX_LIMIT = 200;

export const SummarizeQuery = z.object({
  direction,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(SUMMARIZE_MAX_LIMIT)
    .default(50)
    .openapi({ description: `How many messages next to the reference message (at most ${SUMMARIZE_MAX_LIMIT})` }),
});
export type SummarizeQuery = z.infer<typeof SummarizeQuery>;

export const SummarizeResultSchema = z
  .object({
    summary: z.string(),
    direction,
    message_count: z.number().int(),
    from_seq: z.number().int().nullable(),
    to_seq: z.number().int().nullable(),
    model: z.string(),
  })
  .openapi("ChannelSummary");

// ---- live ----------------------------------------------------------------------------------

export const StreamQuery = z.object({
  since: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({
      description:
        "Resume after this stream event id (the SSE `id:` / frame `id`; Last-Event-ID takes precedence). Event ids count every " +
        "event of the channel (messages, edits, reads, typing…), so they are not a message's `seq`: to catch up on messages " +
        "by seq, list them with ?after=<seq>.",
    }),
});
