/**
 * The AI gateway: every AI feature goes through here. One OpenAI-compatible model server
 * (OPENAI_BASE_URL; locally scripts/ai-server.ts), a model registry, credits reserved before any
 * provider call and settled after it, and one usage row per call. Modules import from "platform/ai".
 */
import type { ServiceContext } from "../context";
import { chat } from "./gateway";
import { DEFAULT_MODELS } from "./models";

export { client, providerError, timeoutMs } from "./client";
export { creditBalance, creditUsageChart, spendSince } from "./credit-reports";
export {
  type AfterBalanceChangeHook,
  afterBalanceChangeHooks,
  appendLedger,
  type CreditHold,
  creditStatus,
  creditSummary,
  creditsFor,
  DEFAULT_COMPLETION_ESTIMATE,
  ensureMonthlyGrant,
  grantMonthlyCredits,
  HOLD_TTL_MS,
  isFreeOfCharge,
  OPERATION_CREDITS,
  periodOf,
  releaseCredits,
  releaseExpiredHolds,
  reserveCredits,
  settleCredits,
  TOKENS_PER_CREDIT,
} from "./credits";
export { DEFAULT_MODEL_TTL_MS, forgetWorkspaceDefaultModel, workspaceDefaultModel } from "./defaults";
export { type DetachedContext, detachContext } from "./detach";
export { type ExtractRequest, type ExtractResult, extract, schemaValidator } from "./extract";
export {
  type ChatMessage,
  type ChatRequest,
  type ChatResult,
  type ChatStreamEvent,
  type ContentPart,
  chat,
  chatStream,
  estimatePromptTokens,
  type Prepared,
  prepareChat,
  prepareStream,
  releasePrepared,
  runChat,
  streamPrepared,
  type ToolCall,
  type ToolSpec,
} from "./gateway";
export {
  AUDIO_EXTENSIONS,
  analyzeImages,
  embed,
  type GeneratedImage,
  generateImages,
  IMAGE_SIZES,
  type ImageSize,
  MAX_AUDIO_BYTES,
  MAX_VISION_IMAGES,
  type Transcript,
  transcribe,
} from "./media";
export {
  CAPABILITIES,
  type Capability,
  DEFAULT_MODELS,
  getModel,
  MODELS,
  type ModelInfo,
  modelsWith,
  resolveModel,
  tokenCost,
} from "./models";
export { type UsageQuery, usageStats } from "./usage";

/** The default chat model when neither the call nor the workspace names one. */
export const DEFAULT_CHAT_MODEL = DEFAULT_MODELS.chat;

export interface Completion {
  text: string;
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number } | null;
}

/** A single plain chat completion through the gateway (kept for callers that predate chat()). */
export async function complete(
  ctx: ServiceContext,
  messages: { role: "system" | "user" | "assistant"; content: string }[],
  opts: { model?: string; maxTokens?: number; temperature?: number; operation?: string } = {},
): Promise<Completion> {
  const r = await chat(ctx, {
    operation: opts.operation ?? "completion",
    model: opts.model,
    messages,
    maxTokens: opts.maxTokens,
    temperature: opts.temperature,
  });
  return { text: r.text, model: r.model, usage: { prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens } };
}
