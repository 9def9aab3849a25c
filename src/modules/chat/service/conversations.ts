import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { requirePermission } from "../../permissions/service";
import { assertOwnFolder, myMemberId, ownedConversation, toConversation, toMessage } from "../internal";
import type {
  ChatConversationCreate,
  ChatConversationUpdate,
  ChatMessageCreate,
  ListConversationsQuery,
  ListMessagesQuery,
} from "../schemas";
import { chatConversations, chatFiles, chatMessages } from "../tables";
import { assertAgent, assertModel, resolveSystemPrompt } from "./context";

/** Pinned first, then most recently active. */
export async function listConversations(ctx: ServiceContext, q: ListConversationsQuery) {
  const memberId = await myMemberId(ctx);
  const where: SQL[] = [eq(chatConversations.memberId, memberId), eq(chatConversations.isArchived, q.archived === true)];
  if (q.folder_id) where.push(eq(chatConversations.folderId, q.folder_id));
  if (q.pinned_only) where.push(eq(chatConversations.isPinned, true));
  if (q.uncategorized) where.push(isNull(chatConversations.folderId));
  const rows = await ctx.db
    .select()
    .from(chatConversations)
    .where(and(...where))
    .orderBy(
      desc(chatConversations.isPinned),
      sql`coalesce(${chatConversations.lastMessageAt}, ${chatConversations.createdAt}) desc`,
      desc(chatConversations.id),
    )
    .offset(q.skip)
    .limit(q.limit);
  return rows.map(toConversation);
}

export async function getConversation(ctx: ServiceContext, conversationId: string) {
  const c = await ownedConversation(ctx, conversationId);
  const messages = await ctx.db
    .select()
    .from(chatMessages)
    .where(eq(chatMessages.conversationId, c.id))
    .orderBy(asc(chatMessages.createdAt), asc(chatMessages.id));
  return { ...toConversation(c), messages: messages.map(toMessage) };
}

export async function listMessages(ctx: ServiceContext, conversationId: string, q: ListMessagesQuery) {
  const c = await ownedConversation(ctx, conversationId);
  const rows = await ctx.db
    .select()
    .from(chatMessages)
    .where(eq(chatMessages.conversationId, c.id))
    .orderBy(asc(chatMessages.createdAt), asc(chatMessages.id))
    .offset(q.skip)
    .limit(q.limit);
  return rows.map(toMessage);
}

/** The checks shared by POST /conversations and POST /chat for a new conversation; writes nothing. */
export async function prepareConversation(
  ctx: ServiceContext,
  input: Pick<ChatConversationCreate, "model" | "prompt_context" | "system_prompt" | "folder_id" | "agent_id">,
) {
  if (input.folder_id) await assertOwnFolder(ctx, input.folder_id, ["body", "folder_id"]);
  if (input.model) await assertModel(ctx, input.model, ["body", "model"]);
  // An employee named by slug is stored by its id.
  const agentId = input.agent_id ? (await assertAgent(ctx, input.agent_id, ["body", "agent_id"])).id : null;
  // 1. prompt_context resolved server-side, 2. an explicit system_prompt (deprecated), 3. none.
  const systemPrompt = input.prompt_context
    ? await resolveSystemPrompt(ctx, input.prompt_context, ["body", "prompt_context"])
    : (input.system_prompt ?? null);
  return { systemPrompt, agentId };
}

export async function createConversation(ctx: ServiceContext, input: ChatConversationCreate) {
  await requirePermission(ctx, "can_use_ai");
  const memberId = await myMemberId(ctx);
  const { systemPrompt, agentId } = await prepareConversation(ctx, input);
  const [row] = await ctx.db
    .insert(chatConversations)
    .values({
      memberId,
      title: input.title ?? null,
      model: input.model ?? null,
      systemPrompt,
      promptContext: input.prompt_context ?? null,
      folderId: input.folder_id ?? null,
      agentId,
      isPinned: input.is_pinned ?? false,
    })
    .returning();
  if (!row) throw new ServiceError("internal_error", "Conversation was not created");
  return toConversation(row);
}

export async function updateConversation(ctx: ServiceContext, conversationId: string, input: ChatConversationUpdate) {
  const c = await ownedConversation(ctx, conversationId);
  if (input.folder_id) await assertOwnFolder(ctx, input.folder_id, ["body", "folder_id"]);
  if (input.model) await assertModel(ctx, input.model, ["body", "model"]);
  const set: Partial<typeof chatConversations.$inferInsert> = {};
  if (input.title !== undefined) set.title = input.title;
  if (input.model !== undefined) set.model = input.model;
  if (input.system_prompt !== undefined) set.systemPrompt = input.system_prompt;
  if (input.folder_id !== undefined) set.folderId = input.folder_id;
  if (input.is_pinned !== undefined) set.isPinned = input.is_pinned;
  if (input.is_archived !== undefined) set.isArchived = input.is_archived;
  if (Object.keys(set).length === 0) return toConversation(c);
  const [row] = await ctx.db.update(chatConversations).set(set).where(eq(chatConversations.id, c.id)).returning();
  return toConversation(row ?? c);
}

/** Messages and file rows go with it (FK cascade); the files' R2 objects are deleted too. */
export async function deleteConversation(ctx: ServiceContext, conversationId: string) {
  const c = await ownedConversation(ctx, conversationId);
  const files = await ctx.db.select({ key: chatFiles.r2Key }).from(chatFiles).where(eq(chatFiles.conversationId, c.id));
  await ctx.db.delete(chatConversations).where(eq(chatConversations.id, c.id));
  if (files.length > 0) await ctx.env.FILES.delete(files.map((f) => f.key));
}

/** 422 unless every id is a file of this conversation. */
export async function assertConversationFiles(ctx: ServiceContext, conversationId: string, fileIds: string[] | undefined) {
  if (!fileIds?.length) return [];
  const unique = [...new Set(fileIds)];
  const rows = await ctx.db
    .select()
    .from(chatFiles)
    .where(and(eq(chatFiles.conversationId, conversationId), inArray(chatFiles.id, unique)));
  const found = new Set(rows.map((r) => r.id));
  const issues = fileIds.flatMap((id, i) =>
    found.has(id) ? [] : [{ loc: ["body", "file_ids", i], msg: "File not found in this conversation", type: "value_error" }],
  );
  if (issues.length > 0) throw new ServiceError("validation_error", "Unknown file", { issues });
  return unique.map((id) => rows.find((r) => r.id === id)).filter((r) => r !== undefined);
}

/**
 * Inserts a message, bumps the conversation's count and last activity, and records
 * chat.message.created, in one transaction.
 */
export async function insertMessage(
  ctx: ServiceContext,
  c: { id: string; agentId: string | null },
  values: typeof chatMessages.$inferInsert,
) {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(chatMessages).values(values).returning();
    if (!row) throw new ServiceError("internal_error", "Message was not saved");
    await tx
      .update(chatConversations)
      .set({ messageCount: sql`${chatConversations.messageCount} + 1`, lastMessageAt: row.createdAt })
      .where(eq(chatConversations.id, c.id));
    await emitEvent(ctx, tx, "chat.message.created", {
      conversation_id: c.id,
      message: {
        id: row.id,
        role: row.role as "user" | "assistant" | "system",
        content: row.content ?? "",
        created_at: row.createdAt.toISOString(),
      },
      employee_id: c.agentId,
    });
    return row;
  });
}

/** POST /conversations/{id}/messages: a message saved as given (image generations and the like). */
export async function addMessage(ctx: ServiceContext, conversationId: string, input: ChatMessageCreate) {
  const c = await ownedConversation(ctx, conversationId);
  await requirePermission(ctx, "can_use_ai");
  if (input.model) await assertModel(ctx, input.model, ["body", "model"]);
  await assertConversationFiles(ctx, c.id, input.file_ids);
  const row = await insertMessage(ctx, c, {
    conversationId: c.id,
    role: input.role,
    content: input.content,
    model: input.model ?? null,
    fileIds: input.file_ids ? [...new Set(input.file_ids)] : [],
    metadata: input.metadata ?? {},
  });
  return toMessage(row);
}
