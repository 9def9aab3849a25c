import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { iso } from "../../platform/openapi";
import { signDownloadUrl } from "../../platform/signed-urls";
import { currentMember } from "../members/service";
import { chatConversations, type chatFiles, chatFolders, type chatMessages } from "./tables";

export type ConversationRow = typeof chatConversations.$inferSelect;
export type FolderRow = typeof chatFolders.$inferSelect;
export type MessageRow = typeof chatMessages.$inferSelect;
export type FileRow = typeof chatFiles.$inferSelect;

/** Signed file links live an hour (the seed's "valid for 1 hour"); re-minted on every request. */
export const FILE_URL_TTL_SECONDS = 60 * 60;

/** The caller's tenant member id: every chat object belongs to exactly one member. */
export async function myMemberId(ctx: ServiceContext): Promise<string> {
  return (await currentMember(ctx)).id;
}

/** The caller's conversation, else 404 (another member's conversation is not theirs to know of). */
export async function ownedConversation(ctx: ServiceContext, id: string): Promise<ConversationRow> {
  if (!isUuid(id)) throw new ServiceError("not_found", "Conversation not found");
  const memberId = await myMemberId(ctx);
  const [row] = await ctx.db
    .select()
    .from(chatConversations)
    .where(and(eq(chatConversations.id, id), eq(chatConversations.memberId, memberId)))
    .limit(1);
  if (!row) throw new ServiceError("not_found", "Conversation not found");
  return row;
}

export async function ownedFolder(ctx: ServiceContext, id: string): Promise<FolderRow> {
  if (!isUuid(id)) throw new ServiceError("not_found", "Folder not found");
  const memberId = await myMemberId(ctx);
  const [row] = await ctx.db
    .select()
    .from(chatFolders)
    .where(and(eq(chatFolders.id, id), eq(chatFolders.memberId, memberId)))
    .limit(1);
  if (!row) throw new ServiceError("not_found", "Folder not found");
  return row;
}

/** A folder id given in a body: 422 at `loc` unless it is one of the caller's folders. */
export async function assertOwnFolder(ctx: ServiceContext, folderId: string, loc: (string | number)[]): Promise<void> {
  const memberId = await myMemberId(ctx);
  const [row] = await ctx.db
    .select({ id: chatFolders.id })
    .from(chatFolders)
    .where(and(eq(chatFolders.id, folderId), eq(chatFolders.memberId, memberId)))
    .limit(1);
  if (!row) {
    throw new ServiceError("validation_error", "Folder not found", { issues: [{ loc, msg: "Folder not found", type: "value_error" }] });
  }
}

export function toFolder(f: FolderRow, conversationCount: number) {
  return {
    id: f.id,
    name: f.name,
    color: f.color,
    icon: f.icon,
    position: f.position,
    is_collapsed: f.isCollapsed,
    conversation_count: conversationCount,
    created_at: f.createdAt.toISOString(),
    updated_at: f.updatedAt.toISOString(),
  };
}

export function toConversation(c: ConversationRow) {
  return {
    id: c.id,
    title: c.title,
    model: c.model,
    system_prompt: c.systemPrompt,
    prompt_context: c.promptContext,
    agent_id: c.agentId,
    folder_id: c.folderId,
    is_pinned: c.isPinned,
    is_archived: c.isArchived,
    message_count: c.messageCount,
    last_message_at: iso(c.lastMessageAt),
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export function toMessage(m: MessageRow) {
  return {
    id: m.id,
    conversation_id: m.conversationId,
    role: m.role,
    content: m.content,
    model: m.model,
    tool_events: m.toolEvents,
    file_ids: m.fileIds,
    metadata: m.metadata,
    is_incomplete: m.isIncomplete,
    finish_reason: m.finishReason,
    prompt_tokens: m.promptTokens,
    completion_tokens: m.completionTokens,
    credits: m.credits,
    latency_ms: m.latencyMs,
    created_at: m.createdAt.toISOString(),
  };
}

export async function signedFileUrl(ctx: ServiceContext, f: FileRow, download = false) {
  return signDownloadUrl({
    secret: ctx.env.SIGNING_KEY,
    baseUrl: ctx.env.API_URL,
    key: f.r2Key,
    ttlSeconds: FILE_URL_TTL_SECONDS,
    download,
  });
}

export async function toFile(ctx: ServiceContext, f: FileRow) {
  const s = await signedFileUrl(ctx, f);
  return {
    id: f.id,
    conversation_id: f.conversationId,
    file_name: f.fileName,
    content_type: f.contentType,
    size_bytes: Number(f.sizeBytes),
    extraction_status: f.extractionStatus as "extracted" | "unsupported" | "failed",
    has_text: f.extractedText !== null && f.extractedText !== "",
    url: s.url,
    expires_at: s.expires_at,
    created_at: f.createdAt.toISOString(),
  };
}
