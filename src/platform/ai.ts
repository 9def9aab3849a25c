import OpenAI from "openai";
import type { ServiceContext } from "./context";
import { ServiceError } from "./errors";

/**
 * The model server behind every AI feature: any OpenAI-compatible endpoint (OPENAI_BASE_URL).
 * Locally and in tests that is scripts/ai-server.ts, which answers deterministically.
 * The AI gateway grows this (model choice per workspace, credits, usage, streaming).
 */
export const DEFAULT_CHAT_MODEL = "gpt-4o-mini";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface Completion {
  text: string;
  /** The model that answered, as the server reports it. */
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number } | null;
}

/** One client per invocation (its fetch belongs to the request), like database connections. */
function client(ctx: ServiceContext): OpenAI {
  return new OpenAI({ baseURL: ctx.env.OPENAI_BASE_URL, apiKey: ctx.env.OPENAI_API_KEY, maxRetries: 1, timeout: 60_000 });
}

/** A single chat completion. Failures of the model server are 503 `service_unavailable` (retryable). */
export async function complete(
  ctx: ServiceContext,
  messages: ChatMessage[],
  opts: { model?: string; maxTokens?: number; temperature?: number } = {},
): Promise<Completion> {
  try {
    const res = await client(ctx).chat.completions.create({
      model: opts.model ?? DEFAULT_CHAT_MODEL,
      messages,
      ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
      ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    });
    const text = res.choices[0]?.message?.content ?? "";
    const usage = res.usage ? { prompt_tokens: res.usage.prompt_tokens, completion_tokens: res.usage.completion_tokens } : null;
    return { text, model: res.model, usage };
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: "model server call failed", request_id: ctx.requestId, error: String(e) }));
    throw new ServiceError("service_unavailable", "The AI model is not available right now; try again shortly", {
      retryable: true,
      cause: e,
    });
  }
}
