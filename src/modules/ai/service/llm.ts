import type { z } from "@hono/zod-openapi";
import {
  type ChatMessage,
  type ChatRequest,
  type ChatResult,
  type ChatStreamEvent,
  creditStatus,
  DEFAULT_MODELS,
  extract,
  getModel,
  modelsWith,
  prepareChat,
  prepareStream,
  releasePrepared,
  runChat,
  streamPrepared,
  tokenCost,
  usageStats,
  workspaceDefaultModel,
} from "../../../platform/ai";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { requirePermission } from "../../permissions/service";
import { getSystemPrompt } from "../prompts";
import type { CompletionRequest, ExtractRequest, UsageQuerySchema } from "../schemas";

/** The workspace's default chat model (module settings of `ai`: default_model), else the gateway's. */
export async function workspaceChatModel(ctx: ServiceContext): Promise<string> {
  const id = await workspaceDefaultModel(ctx);
  return id && getModel(id)?.capabilities.includes("streaming") ? id : DEFAULT_MODELS.chat;
}

/** Chat-capable models of the registry; the workspace default is flagged. Any member. */
export async function listLlmModels(ctx: ServiceContext) {
  const def = await workspaceChatModel(ctx);
  const models = modelsWith("streaming").map((m) => ({
    id: m.id,
    name: m.id,
    display_name: m.displayName,
    provider: m.provider,
    description: m.description,
    context_window: m.contextWindow,
    max_output_tokens: m.maxOutputTokens,
    input_price_per_million: m.inputPricePerMillion,
    output_price_per_million: m.outputPricePerMillion,
    input_price_per_token: m.inputPricePerMillion / 1_000_000,
    output_price_per_token: m.outputPricePerMillion / 1_000_000,
    capabilities: {
      streaming: m.capabilities.includes("streaming"),
      vision: m.capabilities.includes("vision"),
      tools: m.capabilities.includes("tools"),
      json_schema: m.capabilities.includes("json_schema"),
    },
    is_default: m.id === def,
  }));
  return { models, default_model: def, total: models.length };
}

/** Usage figures and the credit balance. Needs can_view_billing (owners and admins by default). */
export async function llmUsage(ctx: ServiceContext, q: z.infer<typeof UsageQuerySchema>) {
  await requirePermission(ctx, "can_view_billing");
  const [stats, credits] = await Promise.all([usageStats(ctx, q), creditStatus(ctx)]);
  return { ...stats, credits: { balance: credits.balance, plan: credits.plan } };
}

function promptMessages(input: CompletionRequest): ChatMessage[] {
  let system = input.system_prompt;
  if (system === undefined && input.prompt_context !== undefined) {
    system = getSystemPrompt(input.prompt_context);
    if (system === undefined) {
      const msg = `Unknown prompt context ${input.prompt_context}`;
      throw new ServiceError("validation_error", msg, { issues: [{ loc: ["body", "prompt_context"], msg, type: "value_error" }] });
    }
  }
  return [
    ...(system ? [{ role: "system" as const, content: system }] : []),
    ...(input.messages ?? []),
    { role: "user" as const, content: input.prompt },
  ];
}

export const usageOf = (r: { usage: { promptTokens: number; completionTokens: number } }) => ({
  prompt_tokens: r.usage.promptTokens,
  completion_tokens: r.usage.completionTokens,
  total_tokens: r.usage.promptTokens + r.usage.completionTokens,
});

const costOf = (r: ChatResult) => {
  const m = getModel(r.billedModel);
  return m ? Math.round(tokenCost(m, r.usage.promptTokens, r.usage.completionTokens) * 1e8) / 1e8 : 0;
};

/** One completion. Needs can_use_ai; credits are reserved before the model is called. */
export async function completePrompt(ctx: ServiceContext, input: CompletionRequest) {
  const req: ChatRequest = {
    operation: "completion",
    model: input.model,
    messages: promptMessages(input),
    maxTokens: input.max_tokens,
    temperature: input.temperature,
  };
  // The permission and the reservation are independent round trips: run them together; the
  // permission's 403 wins (and gives the hold back).
  const [allowed, prepared] = await Promise.allSettled([requirePermission(ctx, "can_use_ai"), prepareChat(ctx, req)]);
  if (allowed.status === "rejected") {
    if (prepared.status === "fulfilled") await releasePrepared(ctx, prepared.value);
    throw allowed.reason;
  }
  if (prepared.status === "rejected") throw prepared.reason;
  const r = await runChat(ctx, prepared.value, req);
  return {
    content: r.text,
    model: r.model,
    finish_reason: r.finishReason,
    usage: usageOf(r),
    estimated_cost: costOf(r),
    credits: r.credits,
    latency_ms: r.latencyMs,
  };
}

/**
 * A streamed completion as SSE bytes: `data: {"content": …, "done": false}` per chunk, then
 * `done: true` with the model, usage and credits (`incomplete: true` when the model's stream was
 * cut). Everything that can fail before the first token (permission, model, credits, provider
 * refusing) throws here, before the response starts. A client that goes away aborts the model call.
 */
export async function streamCompletion(ctx: ServiceContext, input: CompletionRequest): Promise<ReadableStream<Uint8Array>> {
  const abort = new AbortController();
  const req: ChatRequest = {
    operation: "completion_stream",
    model: input.model,
    messages: promptMessages(input),
    maxTokens: input.max_tokens,
    temperature: input.temperature,
    signal: abort.signal,
  };
  // The permission and the gateway's checks (model, credits) are independent round trips: run
  // them together; the permission's 403 wins, and no provider call starts unless both pass.
  const [allowed, prepared] = await Promise.allSettled([requirePermission(ctx, "can_use_ai"), prepareStream(ctx, req)]);
  if (allowed.status === "rejected") {
    if (prepared.status === "fulfilled") await releasePrepared(ctx, prepared.value);
    throw allowed.reason;
  }
  if (prepared.status === "rejected") throw prepared.reason;
  const it = streamPrepared(ctx, prepared.value, req);
  // Nothing below reads the request's databases (the gateway writes usage through a detached
  // context), and the request middleware closes them before the response leaves: close them now,
  // while the model writes its first token, rather than after it.
  ctx.waitUntil(ctx.connections.close());
  const first = await it.next();
  const enc = new TextEncoder();
  let seq = 0;
  let finished = false;
  const push = (controller: ReadableStreamDefaultController<Uint8Array>, r: IteratorResult<ChatStreamEvent, void>) => {
    if (r.done) {
      finished = true;
      controller.close();
      return;
    }
    const ev = r.value;
    if (ev.type === "delta")
      controller.enqueue(enc.encode(`id: ${++seq}\ndata: ${JSON.stringify({ content: ev.content, done: false })}\n\n`));
    else if (ev.type === "done") {
      const res = ev.result;
      const data = {
        content: "",
        done: true,
        incomplete: ev.incomplete,
        model: res.model,
        finish_reason: res.finishReason,
        usage: usageOf(res),
        credits: res.credits,
      };
      controller.enqueue(enc.encode(`id: ${++seq}\ndata: ${JSON.stringify(data)}\n\n`));
    }
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      push(controller, first);
    },
    async pull(controller) {
      if (finished) return;
      push(controller, await it.next());
    },
    async cancel() {
      // The client went away: stop the model; the gateway records what was generated (incomplete).
      abort.abort();
      await it.return(undefined);
    },
  });
}

/** Structured extraction (validated against the JSON Schema, one repair retry). Needs can_use_ai. */
export async function extractData(ctx: ServiceContext, input: ExtractRequest) {
  await requirePermission(ctx, "can_use_ai");
  const r = await extract<Record<string, unknown>>(ctx, {
    schema: input.schema,
    text: input.text,
    instructions: input.instructions,
    model: input.model,
  });
  return { data: r.data, model: r.model, usage: usageOf(r), credits: r.credits, attempts: r.attempts };
}
