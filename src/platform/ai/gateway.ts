import type {
  ChatCompletionChunk,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import type { Stream } from "openai/streaming";
import { requireActiveSubscription, requireWithinLimit } from "../billing/limits";
import type { ServiceContext } from "../context";
import { ServiceError } from "../errors";
import { client, isAbort, providerError } from "./client";
import { type CreditHold, creditsFor, DEFAULT_COMPLETION_ESTIMATE, type PriceKind, releaseCredits, reserveCredits } from "./credits";
import { workspaceDefaultModel } from "./defaults";
import { type DetachedContext, detachContext } from "./detach";
import { type Capability, DEFAULT_MODELS, estimateTokens, type ModelInfo, resolveModel } from "./models";
import { type ActorStamp, actorStamp, chargeOf, recordCall } from "./usage";

// ---- the contract shared with chat, agents and other modules -------------------------------

export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } };

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, as the model wrote it. */
  arguments: string;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | ContentPart[] | null;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  /** What the call is for, as recorded in usage (e.g. "completion", "chat", "agent", "channel_summary"). */
  operation: string;
  /** A registered model id; default: the workspace's default model, else DEFAULT_MODELS.chat. */
  model?: string | undefined;
  messages: ChatMessage[];
  tools?: ToolSpec[] | undefined;
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  /** The model that answered, as the provider reports it. */
  model: string;
  /** The registry model asked for, priced and charged. */
  billedModel: string;
  usage: { promptTokens: number; completionTokens: number };
  finishReason: string;
  latencyMs: number;
  credits: number;
}

export type ChatStreamEvent =
  | { type: "delta"; content: string }
  | { type: "tool_call"; call: ToolCall }
  | { type: "done"; result: ChatResult; incomplete: boolean };

// ---- preparing a call: model, size, credits (all before any provider call) -----------------

/** Images are counted at a flat size: data URLs would otherwise dominate a character estimate. */
const IMAGE_TOKENS = 1_000;

export function estimatePromptTokens(messages: ChatMessage[], tools?: ToolSpec[]): number {
  let n = 0;
  for (const m of messages) {
    n += 4;
    if (typeof m.content === "string") n += estimateTokens(m.content);
    else if (Array.isArray(m.content)) {
      for (const p of m.content) n += p.type === "text" ? estimateTokens(p.text) : IMAGE_TOKENS;
    }
    if (m.tool_calls) n += estimateTokens(JSON.stringify(m.tool_calls));
  }
  if (tools?.length) n += estimateTokens(JSON.stringify(tools));
  return n;
}

export interface Prepared {
  model: ModelInfo;
  kind: PriceKind;
  operation: string;
  free: boolean;
  promptEstimate: number;
  stamp: ActorStamp;
  /** The call's credit reservation (null for free actors): settled or released once, by recordCall. */
  hold: CreditHold | null;
}

/**
 * Resolves the model (422 unknown or lacking a capability), checks the prompt fits its context
 * window (413), that the subscription gives access (402 payment_required), the monthly image
 * limit (402 limit_exceeded) and then reserves the call's credits (402 insufficient_credits).
 * The hold is sized on the prompt plus the largest completion (max_tokens, else
 * DEFAULT_COMPLETION_ESTIMATE capped by the model's output limit). Whoever gets a Prepared
 * must end it with recordCall (or releasePrepared when the call never runs).
 */
export async function prepare(
  ctx: ServiceContext,
  o: {
    model?: string | undefined;
    kind: PriceKind;
    operation: string;
    needs: Capability[];
    promptTokens: number;
    /** Completion tokens the call may produce (token-priced kinds). */
    maxTokens?: number | undefined;
    /** Tokens priced besides the prompt estimate (embeddings: the inputs). */
    pricedTokens?: number;
    units?: number;
    /** Generated images: checked against the plan's monthly limit. */
    images?: number;
    defaultFor?: keyof typeof DEFAULT_MODELS;
  },
): Promise<Prepared> {
  const primary = o.needs[0] ?? "streaming";
  let model = o.model !== undefined ? resolveModel(o.model, primary) : undefined;
  const [fallback] = await Promise.all([
    model || (o.defaultFor ?? "chat") !== "chat" ? Promise.resolve(null) : workspaceDefaultModel(ctx),
    o.images ? requireWithinLimit(ctx, "image_generations", o.images) : requireActiveSubscription(ctx),
  ]);
  model ??= resolveModel(fallback ?? DEFAULT_MODELS[o.defaultFor ?? "chat"], primary, ["body", "model"]);
  for (const cap of o.needs) {
    if (!model.capabilities.includes(cap)) resolveModel(model.id, cap);
  }
  if (model.contextWindow > 0 && o.promptTokens > model.contextWindow) {
    throw new ServiceError(
      "payload_too_large",
      `The prompt is about ${o.promptTokens} tokens; ${model.id} accepts ${model.contextWindow}. Shorten it or choose a larger model`,
    );
  }
  const completion =
    o.kind === "embeddings"
      ? 0
      : (o.maxTokens ?? Math.min(DEFAULT_COMPLETION_ESTIMATE, model.maxOutputTokens || DEFAULT_COMPLETION_ESTIMATE));
  const hold = await reserveCredits(ctx, creditsFor(o.kind, (o.pricedTokens ?? o.promptTokens) + completion, o.units ?? 1));
  return { model, kind: o.kind, operation: o.operation, free: hold === null, promptEstimate: o.promptTokens, stamp: actorStamp(ctx), hold };
}

/** Gives back the hold of a prepared call that will not run (a later check failed). */
export function releasePrepared(ctx: ServiceContext, p: Prepared): Promise<void> {
  return releaseCredits(ctx, p.hold);
}

/** Runs `work` for a prepared call; a throw before recordCall ended the hold releases it. */
export async function guarded<T>(ctx: ServiceContext, p: Prepared, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    await releasePrepared(ctx, p).catch((err) =>
      console.error(JSON.stringify({ level: "error", msg: "credit hold not released", request_id: ctx.requestId, error: String(err) })),
    );
    throw e;
  }
}

function needsOf(req: ChatRequest, extra: Capability[] = []): Capability[] {
  const needs: Capability[] = [...extra];
  if (req.tools?.length) needs.push("tools");
  if (req.messages.some((m) => Array.isArray(m.content) && m.content.some((p) => p.type === "image_url"))) needs.push("vision");
  return needs;
}

// ---- wire format ----------------------------------------------------------------------------

const textOf = (content: ChatMessage["content"]): string =>
  typeof content === "string" ? content : (content ?? []).map((p) => (p.type === "text" ? p.text : "")).join("");

function toWire(messages: ChatMessage[]): ChatCompletionMessageParam[] {
  return messages.map((m): ChatCompletionMessageParam => {
    switch (m.role) {
      case "system":
        return { role: "system", content: textOf(m.content) };
      case "tool":
        return { role: "tool", content: textOf(m.content), tool_call_id: m.tool_call_id ?? "" };
      case "assistant":
        return {
          role: "assistant",
          content: m.content === null ? null : textOf(m.content),
          ...(m.tool_calls?.length
            ? {
                tool_calls: m.tool_calls.map((c) => ({
                  id: c.id,
                  type: "function" as const,
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        };
      default:
        return {
          role: "user",
          content: typeof m.content === "string" || m.content === null ? (m.content ?? "") : (m.content as ChatCompletionContentPart[]),
        };
    }
  });
}

const toolsWire = (tools?: ToolSpec[]): ChatCompletionTool[] | undefined =>
  tools?.length
    ? tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters } }))
    : undefined;

function body(model: ModelInfo, req: ChatRequest): ChatCompletionCreateParamsNonStreaming {
  const tools = toolsWire(req.tools);
  return {
    model: model.id,
    messages: toWire(req.messages),
    ...(tools ? { tools } : {}),
    ...(req.maxTokens !== undefined ? { max_tokens: Math.min(req.maxTokens, model.maxOutputTokens || req.maxTokens) } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
  };
}

// ---- chat -----------------------------------------------------------------------------------

interface RawCompletion {
  /** The model the provider says answered (it may differ from the one asked for). */
  model: string | undefined;
  text: string;
  toolCalls: ToolCall[];
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
}

/** One non-streaming provider call; provider failures become 502/504 ServiceErrors. */
async function callOnce(
  ctx: ServiceContext,
  p: Prepared,
  params: ChatCompletionCreateParamsNonStreaming,
  signal?: AbortSignal,
): Promise<RawCompletion> {
  try {
    const res = await client(ctx).chat.completions.create(params, signal ? { signal } : {});
    const choice = res.choices[0];
    const text = choice?.message?.content ?? "";
    const toolCalls: ToolCall[] = [];
    for (const c of choice?.message?.tool_calls ?? []) {
      if (c.type === "function") toolCalls.push({ id: c.id, name: c.function.name, arguments: c.function.arguments });
    }
    return {
      model: res.model || undefined,
      text,
      toolCalls,
      finishReason: choice?.finish_reason ?? "stop",
      promptTokens: res.usage?.prompt_tokens ?? p.promptEstimate,
      completionTokens: res.usage?.completion_tokens ?? estimateTokens(text),
    };
  } catch (e) {
    throw providerError(ctx, e);
  }
}

/** Records a failed provider call once (nothing charged) and hands back the error to throw. */
export async function failed(ctx: ServiceContext, p: Prepared, started: number, err: ServiceError, usage?: Partial<RawCompletion>) {
  await recordCall(
    ctx,
    {
      model: p.model,
      operation: p.operation,
      kind: p.kind,
      status: "error",
      promptTokens: usage?.promptTokens ?? 0,
      completionTokens: usage?.completionTokens ?? 0,
      latencyMs: Date.now() - started,
      free: p.free,
      errorCode: err.code,
    },
    p.stamp,
    p.hold,
  );
  return err;
}

/** A chat completion (tools optional). Usage and credits are recorded once, when it ends. */
export async function chat(ctx: ServiceContext, req: ChatRequest): Promise<ChatResult> {
  return runChat(ctx, await prepareChat(ctx, req), req);
}

/** The checks and the reservation of chat(), on their own (a caller may run them alongside its own checks). */
export function prepareChat(ctx: ServiceContext, req: ChatRequest): Promise<Prepared> {
  return prepare(ctx, {
    model: req.model,
    kind: "chat",
    operation: req.operation,
    needs: needsOf(req),
    promptTokens: estimatePromptTokens(req.messages, req.tools),
    maxTokens: req.maxTokens,
  });
}

export async function runChat(ctx: ServiceContext, p: Prepared, req: ChatRequest): Promise<ChatResult> {
  const started = Date.now();
  let raw: RawCompletion;
  try {
    raw = await callOnce(ctx, p, body(p.model, req), req.signal);
  } catch (e) {
    throw await failed(ctx, p, started, providerError(ctx, e));
  }
  const latencyMs = Date.now() - started;
  const { credits } = await recordCall(
    ctx,
    {
      model: p.model,
      operation: p.operation,
      kind: p.kind,
      status: "ok",
      promptTokens: raw.promptTokens,
      completionTokens: raw.completionTokens,
      latencyMs,
      free: p.free,
    },
    p.stamp,
    p.hold,
  );
  return {
    text: raw.text,
    toolCalls: raw.toolCalls,
    model: raw.model ?? p.model.id,
    billedModel: p.model.id,
    usage: { promptTokens: raw.promptTokens, completionTokens: raw.completionTokens },
    finishReason: raw.finishReason,
    latencyMs,
    credits,
  };
}

/**
 * A streamed chat completion. Model and credit checks throw before the first provider call
 * (so before the first event); provider failures before any output throw 502/504. A stream cut
 * mid-way (provider gone, caller aborted, consumer stopped iterating) still ends with `done`
 * and `incomplete: true` where a consumer is listening, and its usage is recorded once.
 *
 * Usage is written after `done` has been handed out (when the consumer asks for the next event
 * or stops iterating; the generator ends once it is written), through a detached context: the
 * caller's pools may already be closed when an HTTP handler streams this after returning its
 * Response. `done` carries the credits that write charges.
 */
export async function* chatStream(ctx: ServiceContext, req: ChatRequest): AsyncGenerator<ChatStreamEvent, void, undefined> {
  yield* streamPrepared(ctx, await prepareStream(ctx, req), req);
}

/**
 * The checks of chatStream (model 422, size 413, credits 402), on their own: a caller may run
 * them alongside its own checks (e.g. the permission) and then stream with streamPrepared.
 */
export function prepareStream(ctx: ServiceContext, req: ChatRequest): Promise<Prepared> {
  return prepare(ctx, {
    model: req.model,
    kind: "chat",
    operation: req.operation,
    needs: needsOf(req, ["streaming"]),
    promptTokens: estimatePromptTokens(req.messages, req.tools),
    maxTokens: req.maxTokens,
  });
}

/** chatStream after prepareStream: the provider call and the events. */
export async function* streamPrepared(
  ctx: ServiceContext,
  p: Prepared,
  req: ChatRequest,
): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const started = Date.now();
  // Opened once the first chunk is out (connection set-up stays off the time to first token),
  // and ready long before the stream ends.
  let detached: Promise<DetachedContext> | undefined;
  const detach = () => {
    if (!detached) {
      detached = detachContext(ctx);
      // Settled either way, so an unawaited rejection never crashes the isolate.
      detached.catch(() => {});
    }
    return detached;
  };
  const record = async (
    o: Omit<Parameters<typeof recordCall>[1], "model" | "operation" | "kind" | "free" | "latencyMs"> & { latencyMs?: number },
  ) => {
    const d = await detach();
    try {
      return await recordCall(
        d.ctx,
        { model: p.model, operation: p.operation, kind: p.kind, free: p.free, latencyMs: Date.now() - started, ...o },
        p.stamp,
        p.hold,
      );
    } finally {
      await d.close();
    }
  };

  let stream: Stream<ChatCompletionChunk>;
  try {
    stream = await client(ctx).chat.completions.create(
      { ...body(p.model, req), stream: true, stream_options: { include_usage: true } },
      req.signal ? { signal: req.signal } : {},
    );
  } catch (e) {
    const err = providerError(ctx, e);
    await record({ status: "error", errorCode: err.code });
    throw err;
  }

  let text = "";
  const calls = new Map<number, { id: string; name: string; args: string }>();
  let finishReason: string | null = null;
  let answeredBy: string | undefined;
  let reported: { prompt_tokens: number; completion_tokens: number } | null = null;
  let recorded = false;
  let final: { status: "ok" | "incomplete"; promptTokens: number; completionTokens: number; latencyMs: number } | undefined;
  let incomplete = false;
  try {
    try {
      for await (const chunk of stream) {
        if (chunk.usage) reported = chunk.usage;
        answeredBy ||= chunk.model || undefined;
        const choice = chunk.choices[0];
        if (!choice) continue;
        const delta = choice.delta;
        if (delta?.content) {
          text += delta.content;
          yield { type: "delta", content: delta.content };
          detach();
        }
        for (const tc of delta?.tool_calls ?? []) {
          const cur = calls.get(tc.index) ?? { id: "", name: "", args: "" };
          if (tc.id) cur.id = tc.id;
          if (tc.function?.name) cur.name += tc.function.name;
          if (tc.function?.arguments) cur.args += tc.function.arguments;
          calls.set(tc.index, cur);
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    } catch (e) {
      if (!isAbort(e, req.signal))
        console.warn(JSON.stringify({ level: "warn", msg: "model stream cut", request_id: ctx.requestId, error: String(e) }));
    }
    // No finish reason: the provider went away (or the caller aborted) before the end.
    incomplete = finishReason === null;
    // Tool calls whose arguments may be truncated are not handed out.
    const toolCalls: ToolCall[] = incomplete
      ? []
      : [...calls.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([i, c]) => ({ id: c.id || `call_${i}`, name: c.name, arguments: c.args || "{}" }));
    for (const call of toolCalls) yield { type: "tool_call", call };
    const promptTokens = reported?.prompt_tokens ?? p.promptEstimate;
    const completionTokens = reported?.completion_tokens ?? estimateTokens(text);
    // The outcome is known now: `done` goes out first (its credits are computed the same way
    // recordCall charges them) and usage is written after it, off the caller's total time.
    final = { status: incomplete ? "incomplete" : "ok", promptTokens, completionTokens, latencyMs: Date.now() - started };
    const { credits } = chargeOf({ ...final, kind: p.kind, free: p.free });
    yield {
      type: "done",
      incomplete,
      result: {
        text,
        toolCalls,
        model: answeredBy ?? p.model.id,
        billedModel: p.model.id,
        usage: { promptTokens, completionTokens },
        finishReason: finishReason ?? "incomplete",
        latencyMs: final.latencyMs,
        credits,
      },
    };
  } finally {
    if (!recorded) {
      recorded = true;
      // No outcome yet: the consumer stopped iterating early; the call ends here, with what was
      // generated. With an outcome: `done` was delivered (the consumer may or may not go on).
      if (!final) stream.controller.abort();
      const outcome = final ?? {
        status: "incomplete" as const,
        promptTokens: reported?.prompt_tokens ?? p.promptEstimate,
        completionTokens: reported?.completion_tokens ?? estimateTokens(text),
      };
      const write = record(outcome).then(
        () => undefined,
        (e) => console.error(JSON.stringify({ level: "error", msg: "ai usage not recorded", request_id: ctx.requestId, error: String(e) })),
      );
      // Kept alive even if the client disconnects right after `done`.
      ctx.waitUntil(write);
      await write;
    }
  }
}
