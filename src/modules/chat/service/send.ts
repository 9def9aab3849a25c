import { and, count, desc, eq, gt, inArray, lt, or, sql } from "drizzle-orm";
import {
  type ChatMessage,
  type ChatResult,
  chatStream,
  type DetachedContext,
  detachContext,
  type ToolCall,
  type ToolSpec,
} from "../../../platform/ai";
import type { ServiceContext } from "../../../platform/context";
import { isServiceError, ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { isUuid, uuidv7 } from "../../../platform/ids";
import { SSE_HEADERS } from "../../../platform/sse";
import { runEmployeeTurn } from "../../agents/runner";
import { requirePermission } from "../../permissions/service";
import { type ConversationRow, type FileRow, type MessageRow, myMemberId, ownedConversation } from "../internal";
import type { ChatRegenerateRequest, ChatSendRequest } from "../schemas";
import { type ChatToolEvent, chatConversations, chatFiles, chatMessages } from "../tables";
import { assertModel, defaultSystemPrompt } from "./context";
import { assertConversationFiles, prepareConversation } from "./conversations";
import { SEARCH_SOURCES, searchWorkspace } from "./search";

/** Model calls per assistant turn (each may ask for the search tool); the last one gets no tools. */
const MAX_TOOL_STEPS = 4;
/** Earlier messages sent with a new one (the newest ones). */
const HISTORY_MESSAGES = 50;
/** Characters of an attached file's extracted text given to the model. */
const FILE_TEXT_CHARS = 50_000;
const HEARTBEAT_MS = 15_000;
const TITLE_CHARS = 80;

const SEARCH_TOOL: ToolSpec = {
  name: "search_workspace",
  description:
    "Search this workspace's business data (tasks, goals, channels, channel messages, records) and its documents for a word, " +
    "phrase or question. Returns matching items the user is allowed to see, with a short snippet each; document passages " +
    "come with citations (document, version, chunk, score) to cite in the answer.",
  parameters: {
    type: "object",
    properties: {
      query: { type: "string", description: "Word or phrase to look for" },
      types: { type: "array", items: { type: "string", enum: SEARCH_SOURCES }, description: "Only these sources (default: all)" },
    },
    required: ["query"],
    additionalProperties: false,
  },
};

/** What a turn yields, whichever engine runs it (the gateway with the search tool, or an AI employee). */
type TurnEvent =
  | { type: "delta"; content: string }
  | { type: "tool_call"; call: ToolCall }
  | { type: "tool_result"; id: string; name: string; result: unknown; is_error: boolean }
  | {
      type: "done";
      incomplete: boolean;
      model: string | null;
      usage: { promptTokens: number; completionTokens: number };
      credits: number | null;
      finishReason: string | null;
    };

// ---- the model's view of a conversation -----------------------------------------------------------

function withFiles(content: string, files: FileRow[]): string {
  if (files.length === 0) return content;
  const parts = files.map((f) => {
    const text = f.extractedText ? f.extractedText.slice(0, FILE_TEXT_CHARS) : null;
    return text !== null
      ? `--- ${f.fileName} (${f.contentType}) ---\n${text}${(f.extractedText?.length ?? 0) > FILE_TEXT_CHARS ? "\n… (truncated)" : ""}`
      : `--- ${f.fileName} (${f.contentType}): no text could be read from this file ---`;
  });
  return `${content}\n\nAttached files:\n${parts.join("\n\n")}`;
}

/** The newest messages before `before` (or all), oldest first, with their files' text inlined. */
async function history(ctx: ServiceContext, conversationId: string, before?: MessageRow): Promise<ChatMessage[]> {
  const where = before
    ? and(
        eq(chatMessages.conversationId, conversationId),
        or(lt(chatMessages.createdAt, before.createdAt), and(eq(chatMessages.createdAt, before.createdAt), lt(chatMessages.id, before.id))),
      )
    : eq(chatMessages.conversationId, conversationId);
  const rows = (
    await ctx.db
      .select()
      .from(chatMessages)
      .where(where)
      // Newest first for the limit, then back to oldest first.
      .orderBy(desc(chatMessages.createdAt), desc(chatMessages.id))
      .limit(HISTORY_MESSAGES)
  ).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
  const fileIds = [...new Set(rows.flatMap((m) => m.fileIds))];
  const files = fileIds.length ? await ctx.db.select().from(chatFiles).where(inArray(chatFiles.id, fileIds)) : [];
  const byId = new Map(files.map((f) => [f.id, f]));
  return rows
    .filter((m) => m.content !== "" || m.fileIds.length > 0)
    .map((m) => ({
      role: m.role,
      content: withFiles(
        m.content,
        m.fileIds.map((id) => byId.get(id)).filter((f) => f !== undefined),
      ),
    }));
}

// ---- engines ---------------------------------------------------------------------------------

/**
 * The plain assistant: gateway streaming with the search_workspace tool. Tool calls run as the
 * member (so the search sees what they may see) and go back to the model, at most MAX_TOOL_STEPS
 * model calls. Every call's usage and credits are recorded by the gateway; here they are summed.
 */
async function* assistantTurn(
  ctx: ServiceContext,
  req: {
    model?: string | undefined;
    messages: ChatMessage[];
    useTools: boolean;
    signal: AbortSignal;
    maxTokens?: number | undefined;
    temperature?: number | undefined;
  },
): AsyncGenerator<TurnEvent, void, undefined> {
  const messages = [...req.messages];
  const usage = { promptTokens: 0, completionTokens: 0 };
  let credits = 0;
  let model: string | null = null;
  for (let step = 1; ; step++) {
    let done: { result: ChatResult; incomplete: boolean } | undefined;
    for await (const ev of chatStream(ctx, {
      operation: "chat",
      model: req.model,
      messages,
      tools: req.useTools && step < MAX_TOOL_STEPS ? [SEARCH_TOOL] : undefined,
      maxTokens: req.maxTokens,
      temperature: req.temperature,
      signal: req.signal,
    })) {
      if (ev.type === "delta") yield ev;
      else if (ev.type === "done") done = ev;
    }
    if (!done) throw new ServiceError("internal_error", "The model stream ended without a result");
    const r = done.result;
    usage.promptTokens += r.usage.promptTokens;
    usage.completionTokens += r.usage.completionTokens;
    credits += r.credits;
    model = r.model;
    if (done.incomplete || r.toolCalls.length === 0 || req.signal.aborted) {
      yield { type: "done", incomplete: done.incomplete || req.signal.aborted, model, usage, credits, finishReason: r.finishReason };
      return;
    }
    messages.push({ role: "assistant", content: r.text || null, tool_calls: r.toolCalls });
    for (const call of r.toolCalls) {
      yield { type: "tool_call", call };
      const { result, isError } = await runSearchTool(ctx, call);
      yield { type: "tool_result", id: call.id, name: call.name, result, is_error: isError };
      messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(result) });
    }
  }
}

/** Failures are results the model reads (bad arguments, unknown tool), never a crash of the turn. */
async function runSearchTool(ctx: ServiceContext, call: ToolCall): Promise<{ result: unknown; isError: boolean }> {
  if (call.name !== SEARCH_TOOL.name) {
    return { result: { error: { code: "not_found", message: `No tool named ${call.name}; use search_workspace` } }, isError: true };
  }
  let args: { query?: unknown; types?: unknown };
  try {
    args = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch {
    return { result: { error: { code: "validation_error", message: "The arguments are not valid JSON" } }, isError: true };
  }
  if (typeof args.query !== "string" || !args.query.trim()) {
    return { result: { error: { code: "validation_error", message: "query (a non-empty string) is required" } }, isError: true };
  }
  const types = Array.isArray(args.types)
    ? (args.types.filter((t) => (SEARCH_SOURCES as unknown[]).includes(t)) as typeof SEARCH_SOURCES)
    : undefined;
  try {
    const r = await searchWorkspace(ctx, { query: args.query.slice(0, 500), limit: 5, ...(types?.length ? { types } : {}) });
    // The citations once more at the top, so the model (and the stream's tool_result) has them at hand.
    const citations = r.results.flatMap((x) => (x.citation ? [x.citation] : []));
    return { result: { ...r, citations }, isError: false };
  } catch (e) {
    if (isServiceError(e)) return { result: { error: { code: e.code, message: e.message } }, isError: true };
    throw e;
  }
}

/** A conversation with an AI employee: the agents module's tool loop, its events mapped through. */
async function* employeeTurn(
  ctx: ServiceContext,
  req: { agentId: string; messages: ChatMessage[]; signal: AbortSignal },
): AsyncGenerator<TurnEvent, void, undefined> {
  for await (const ev of runEmployeeTurn(ctx, { agentId: req.agentId, messages: req.messages, signal: req.signal })) {
    if (ev.type === "done") {
      yield { type: "done", incomplete: ev.incomplete, model: ev.model, usage: ev.usage, credits: ev.credits, finishReason: ev.status };
    } else yield ev;
  }
}

// ---- streaming and saving ---------------------------------------------------------------------

interface Turn {
  conversation: ConversationRow;
  /** Conversation to insert first (a new one), else null. */
  newConversation: typeof chatConversations.$inferInsert | null;
  /** The person's message to insert before the reply, else null (regenerate). */
  userMessage: typeof chatMessages.$inferInsert | null;
  /** Regenerate: the message the new reply replaces (it and everything after it are removed on save). */
  replaces: MessageRow | null;
  messages: ChatMessage[];
  model?: string | undefined;
  useTools: boolean;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
}

/** Strips the control characters a title should not carry and caps it. */
function titleFrom(message: string): string {
  const flat = message.replace(/\s+/g, " ").trim();
  return flat.length > TITLE_CHARS ? `${flat.slice(0, TITLE_CHARS - 1).trimEnd()}…` : flat;
}

/**
 * Runs a turn as SSE. Everything that can refuse the turn (model, credits, employee, permissions)
 * is checked by pulling the first event before the response starts, so those are ordinary JSON
 * errors and nothing is written. Then the conversation (if new) and the person's message are
 * saved, and the reply streams. The reply is saved when the stream ends, is cut by the provider,
 * or the client goes away (then marked incomplete with what was generated): the work runs on a
 * detached context kept alive with waitUntil, since the request's own connections close when the
 * handler returns.
 */
async function streamTurn(ctx: ServiceContext, turn: Turn, requestSignal: AbortSignal | undefined): Promise<Response> {
  const detached: DetachedContext = await detachContext(ctx);
  const d = detached.ctx;
  const abort = new AbortController();
  const onRequestAbort = () => abort.abort(new ServiceError("bad_request", "The client went away"));
  requestSignal?.addEventListener("abort", onRequestAbort);

  const source: AsyncGenerator<TurnEvent, void, undefined> = turn.conversation.agentId
    ? employeeTurn(d, { agentId: turn.conversation.agentId, messages: turn.messages, signal: abort.signal })
    : assistantTurn(d, {
        model: turn.model ?? turn.conversation.model ?? undefined,
        messages: turn.messages,
        useTools: turn.useTools,
        signal: abort.signal,
        maxTokens: turn.maxTokens,
        temperature: turn.temperature,
      });

  let first: IteratorResult<TurnEvent, void>;
  let userMessageId: string | null = null;
  try {
    first = await source.next();
    userMessageId = await d.db.transaction(async (tx) => {
      if (turn.newConversation) await tx.insert(chatConversations).values(turn.newConversation);
      if (!turn.userMessage) return null;
      const [u] = await tx.insert(chatMessages).values(turn.userMessage).returning();
      if (!u) throw new ServiceError("internal_error", "Message was not saved");
      await tx
        .update(chatConversations)
        .set({ messageCount: sql`${chatConversations.messageCount} + 1`, lastMessageAt: u.createdAt })
        .where(eq(chatConversations.id, turn.conversation.id));
      await emitEvent(d, tx, "chat.message.created", chatEventData(turn, u));
      return u.id;
    });
  } catch (e) {
    requestSignal?.removeEventListener("abort", onRequestAbort);
    await source.return(undefined).catch(() => {});
    await detached.close();
    throw e;
  }

  const enc = new TextEncoder();
  let seq = 0;
  let open = true;
  // A TransformStream: a write to it fails once the reader side is cancelled (the client went away),
  // which is how the Worker learns of the disconnect.
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const gone = () => {
    if (!open) return;
    open = false;
    // Stop generating; what was generated is saved by the pump.
    abort.abort(new ServiceError("bad_request", "The client went away"));
  };
  writer.closed.catch(gone);
  const write = (text: string) => {
    if (open) writer.write(enc.encode(text)).catch(gone);
  };
  const send = (data: unknown) => write(`id: ${++seq}\ndata: ${JSON.stringify(data)}\n\n`);
  const heartbeat = setInterval(() => write(": heartbeat\n\n"), HEARTBEAT_MS);

  const pump = async () => {
    let content = "";
    const toolEvents: ChatToolEvent[] = [];
    let done: Extract<TurnEvent, { type: "done" }> | undefined;
    let failure: unknown;
    try {
      for (let r = first; !r.done; r = await source.next()) {
        const ev = r.value;
        if (ev.type === "delta") {
          content += ev.content;
          send({ content: ev.content, done: false });
        } else if (ev.type === "tool_call") {
          const call = { id: ev.call.id, name: ev.call.name, arguments: ev.call.arguments };
          toolEvents.push({ type: "tool_call", ...call });
          send({ tool_call: call, done: false });
        } else if (ev.type === "tool_result") {
          const result = { id: ev.id, name: ev.name, result: ev.result, is_error: ev.is_error };
          toolEvents.push({ type: "tool_result", ...result });
          send({ tool_result: result, done: false });
        } else done = ev;
      }
    } catch (e) {
      failure = e;
      if (!isServiceError(e))
        console.error(JSON.stringify({ level: "error", msg: "chat turn failed", request_id: ctx.requestId, error: String(e) }));
    }
    const incomplete = !done || done.incomplete || failure !== undefined;
    let messageId: string | null = null;
    try {
      messageId = await saveReply(d, turn, {
        content,
        toolEvents,
        incomplete,
        model: done?.model ?? null,
        usage: done?.usage ?? null,
        credits: done?.credits ?? null,
        finishReason: failure !== undefined ? "error" : (done?.finishReason ?? null),
      });
    } catch (e) {
      console.error(JSON.stringify({ level: "error", msg: "chat reply not saved", request_id: ctx.requestId, error: String(e) }));
    }
    const error =
      failure === undefined
        ? undefined
        : isServiceError(failure)
          ? { code: failure.code, message: failure.message }
          : { code: "internal_error", message: "The reply failed" };
    send({
      content: "",
      done: true,
      conversation_id: turn.conversation.id,
      message_id: messageId,
      user_message_id: userMessageId,
      ...(turn.replaces ? { replaced_message_id: turn.replaces.id } : {}),
      incomplete,
      model: done?.model ?? null,
      usage: done ? { prompt_tokens: done.usage.promptTokens, completion_tokens: done.usage.completionTokens } : null,
      credits: done?.credits ?? null,
      ...(error ? { error } : {}),
    });
    clearInterval(heartbeat);
    requestSignal?.removeEventListener("abort", onRequestAbort);
    if (open) {
      open = false;
      await writer.close().catch(() => {});
    }
    await detached.close();
  };
  ctx.waitUntil(pump());
  return new Response(readable, { status: 200, headers: SSE_HEADERS });
}

const chatEventData = (turn: Turn, m: typeof chatMessages.$inferSelect) => ({
  conversation_id: turn.conversation.id,
  message: { id: m.id, role: m.role as "user" | "assistant" | "system", content: m.content ?? "", created_at: m.createdAt.toISOString() },
  employee_id: turn.conversation.agentId,
});

/** Saves the reply (and, for a regenerate, removes the message it replaces and what followed it). */
async function saveReply(
  ctx: ServiceContext,
  turn: Turn,
  r: {
    content: string;
    toolEvents: ChatToolEvent[];
    incomplete: boolean;
    model: string | null;
    usage: { promptTokens: number; completionTokens: number } | null;
    credits: number | null;
    finishReason: string | null;
  },
): Promise<string> {
  const conversationId = turn.conversation.id;
  const id = await ctx.db.transaction(async (tx) => {
    if (turn.replaces) {
      const old = turn.replaces;
      await tx
        .delete(chatMessages)
        .where(
          and(
            eq(chatMessages.conversationId, conversationId),
            or(
              gt(chatMessages.createdAt, old.createdAt),
              and(eq(chatMessages.createdAt, old.createdAt), gt(chatMessages.id, old.id)),
              eq(chatMessages.id, old.id),
            ),
          ),
        );
    }
    const [m] = await tx
      .insert(chatMessages)
      .values({
        conversationId,
        role: "assistant",
        content: r.content,
        model: r.model,
        toolEvents: r.toolEvents,
        isIncomplete: r.incomplete,
        finishReason: r.finishReason,
        promptTokens: r.usage?.promptTokens ?? null,
        completionTokens: r.usage?.completionTokens ?? null,
        credits: r.credits,
        metadata: turn.replaces ? { regenerated_from: turn.replaces.id } : {},
      })
      .returning();
    if (!m) throw new ServiceError("internal_error", "Reply was not saved");
    await emitEvent(ctx, tx, "chat.message.created", chatEventData(turn, m));
    const [n] = await tx.select({ n: count() }).from(chatMessages).where(eq(chatMessages.conversationId, conversationId));
    await tx
      .update(chatConversations)
      .set({ messageCount: n?.n ?? 0, lastMessageAt: m.createdAt })
      .where(eq(chatConversations.id, conversationId));
    return m.id;
  });
  return id;
}

// ---- verbs -----------------------------------------------------------------------------------

/** POST /chat: a message to a conversation (a new one without conversation_id), the reply streamed. */
export async function sendChatMessage(ctx: ServiceContext, input: ChatSendRequest, signal?: AbortSignal): Promise<Response> {
  await requirePermission(ctx, "can_use_ai");
  const memberId = await myMemberId(ctx);
  if (input.model) await assertModel(ctx, input.model, ["body", "model"]);
  let conversation: ConversationRow;
  let newConversation: typeof chatConversations.$inferInsert | null = null;
  let earlier: ChatMessage[] = [];
  let files: FileRow[] = [];
  if (input.conversation_id) {
    conversation = await ownedConversation(ctx, input.conversation_id);
    files = await assertConversationFiles(ctx, conversation.id, input.file_ids);
    earlier = await history(ctx, conversation.id);
  } else {
    if (input.file_ids?.length) {
      const msg = "Files belong to a conversation: upload them to it first";
      throw new ServiceError("validation_error", msg, { issues: [{ loc: ["body", "file_ids"], msg, type: "value_error" }] });
    }
    const { systemPrompt, agentId } = await prepareConversation(ctx, input);
    const now = new Date();
    newConversation = {
      id: uuidv7(),
      memberId,
      title: titleFrom(input.message),
      model: input.model ?? null,
      systemPrompt,
      promptContext: input.prompt_context ?? null,
      folderId: input.folder_id ?? null,
      agentId,
      createdAt: now,
      updatedAt: now,
    };
    conversation = {
      ...newConversation,
      id: newConversation.id as string,
      title: newConversation.title ?? null,
      isPinned: false,
      isArchived: false,
      messageCount: 0,
      lastMessageAt: null,
    } as ConversationRow;
  }
  // AI employees bring their own instructions; a plain conversation without a prompt gets chat's.
  const system = conversation.systemPrompt ?? (conversation.agentId ? null : defaultSystemPrompt());
  const messages: ChatMessage[] = [
    ...(system ? [{ role: "system" as const, content: system }] : []),
    ...earlier,
    { role: "user", content: withFiles(input.message, files) },
  ];
  return streamTurn(
    ctx,
    {
      conversation,
      newConversation,
      userMessage: { conversationId: conversation.id, role: "user", content: input.message, fileIds: files.map((f) => f.id) },
      replaces: null,
      messages,
      model: input.model,
      useTools: input.use_tools,
      maxTokens: input.max_tokens,
      temperature: input.temperature,
    },
    signal,
  );
}

/**
 * POST /chat/messages/{id}/regenerate: a new reply to the person's message before an assistant
 * message. On save it replaces that message; messages after it are removed (the conversation
 * continues from the new reply).
 */
export async function regenerateMessage(ctx: ServiceContext, messageId: string, input: ChatRegenerateRequest, signal?: AbortSignal) {
  await requirePermission(ctx, "can_use_ai");
  if (!isUuid(messageId)) throw new ServiceError("not_found", "Message not found");
  const memberId = await myMemberId(ctx);
  const [row] = await ctx.db
    .select({ m: chatMessages })
    .from(chatMessages)
    .innerJoin(chatConversations, eq(chatConversations.id, chatMessages.conversationId))
    .where(and(eq(chatMessages.id, messageId), eq(chatConversations.memberId, memberId)))
    .limit(1);
  if (!row) throw new ServiceError("not_found", "Message not found");
  if (row.m.role !== "assistant") throw new ServiceError("conflict", "Only assistant messages can be regenerated");
  if (input.model) await assertModel(ctx, input.model, ["body", "model"]);
  const conversation = await ownedConversation(ctx, row.m.conversationId);
  const earlier = await history(ctx, conversation.id, row.m);
  if (!earlier.some((m) => m.role === "user")) throw new ServiceError("conflict", "There is no message of yours before this one to answer");
  const system = conversation.systemPrompt ?? (conversation.agentId ? null : defaultSystemPrompt());
  return streamTurn(
    ctx,
    {
      conversation,
      newConversation: null,
      userMessage: null,
      replaces: row.m,
      messages: [...(system ? [{ role: "system" as const, content: system }] : []), ...earlier],
      model: input.model,
      useTools: input.use_tools,
    },
    signal,
  );
}
