import { bigint, boolean, date, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";

export type ChatRole = "user" | "assistant" | "system";

/** A tool call made during an assistant turn and its result, kept in the order they happened. */
export type ChatToolEvent =
  | { type: "tool_call"; id: string; name: string; arguments: string }
  | { type: "tool_result"; id: string; name: string; result: unknown; is_error: boolean };

/** Tenant database: a member's chat folders (their own; nobody else sees them), in `position` order. */
export const chatFolders = pgTable(
  "chat_folders",
  {
    id: pk(),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    color: text("color"),
    icon: text("icon"),
    position: integer("position").notNull().default(0),
    isCollapsed: boolean("is_collapsed").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("chat_folders_member_idx").on(t.memberId, t.position)],
);

/**
 * A member's conversation with the AI (or with an AI employee when `agent_id` is set). Only the
 * owning member sees it. `system_prompt` is resolved at creation (from `prompt_context` or given).
 */
export const chatConversations = pgTable(
  "chat_conversations",
  {
    id: pk(),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    folderId: uuid("folder_id").references(() => chatFolders.id, { onDelete: "set null" }),
    title: text("title"),
    model: text("model"),
    systemPrompt: text("system_prompt"),
    promptContext: text("prompt_context"),
    /** The AI employee (agents module) this conversation is with; no FK: agents may be deleted. */
    agentId: uuid("agent_id"),
    isPinned: boolean("is_pinned").notNull().default(false),
    isArchived: boolean("is_archived").notNull().default(false),
    messageCount: integer("message_count").notNull().default(0),
    lastMessageAt: ts("last_message_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("chat_conversations_member_idx").on(t.memberId, t.isArchived, t.updatedAt),
    index("chat_conversations_folder_idx").on(t.folderId),
  ],
);

/**
 * Messages of a conversation. An assistant message cut mid-stream keeps what was generated with
 * `is_incomplete`; its tool calls and results (search tool, AI employee tools) are in `tool_events`.
 */
export const chatMessages = pgTable(
  "chat_messages",
  {
    id: pk(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => chatConversations.id, { onDelete: "cascade" }),
    role: text("role").$type<ChatRole>().notNull(),
    content: text("content").notNull().default(""),
    model: text("model"),
    toolEvents: jsonb("tool_events").$type<ChatToolEvent[]>().notNull().default([]),
    /** chat_files ids attached to this (user) message. */
    fileIds: jsonb("file_ids").$type<string[]>().notNull().default([]),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    isIncomplete: boolean("is_incomplete").notNull().default(false),
    finishReason: text("finish_reason"),
    promptTokens: integer("prompt_tokens"),
    completionTokens: integer("completion_tokens"),
    latencyMs: integer("latency_ms"),
    credits: integer("credits"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("chat_messages_conversation_idx").on(t.conversationId, t.createdAt)],
);

/** Files attached to a conversation: bytes in R2, extracted text (text-like types) here for the model. */
export const chatFiles = pgTable(
  "chat_files",
  {
    id: pk(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => chatConversations.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    fileName: text("file_name").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    r2Key: text("r2_key").notNull(),
    extractedText: text("extracted_text"),
    /** extracted | unsupported | failed */
    extractionStatus: text("extraction_status").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("chat_files_conversation_idx").on(t.conversationId, t.createdAt)],
);

/** Prompt suggestions generated once per member per UTC day (force_refresh replaces the day's row). */
export const chatSuggestions = pgTable(
  "chat_suggestions",
  {
    id: pk(),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    day: date("day", { mode: "string" }).notNull(),
    suggestions: jsonb("suggestions").$type<string[]>().notNull(),
    model: text("model"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("chat_suggestions_member_day_idx").on(t.memberId, t.day)],
);
