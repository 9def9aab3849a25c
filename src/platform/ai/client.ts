import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import type { ServiceContext } from "../context";
import { ServiceError } from "../errors";

export const DEFAULT_TIMEOUT_MS = 60_000;

export function timeoutMs(ctx: ServiceContext): number {
  const n = Number.parseInt(ctx.env.AI_TIMEOUT_MS ?? "", 10);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_TIMEOUT_MS;
}

/**
 * One client per call (its fetch belongs to the invocation), like database connections. No SDK
 * retries: a retried call could be billed twice by the provider, and a stream cannot be replayed;
 * callers see 502/504 and may retry themselves.
 */
export function client(ctx: ServiceContext): OpenAI {
  return new OpenAI({ baseURL: ctx.env.OPENAI_BASE_URL, apiKey: ctx.env.OPENAI_API_KEY, maxRetries: 0, timeout: timeoutMs(ctx) });
}

/** The caller went away (its signal aborted) rather than the provider failing. */
export const isAbort = (e: unknown, signal?: AbortSignal) => e instanceof APIUserAbortError || (signal?.aborted ?? false);

/** A provider failure in the platform's terms: timeout → 504, anything else → 502. */
export function providerError(ctx: ServiceContext, e: unknown): ServiceError {
  if (e instanceof ServiceError) return e;
  console.error(JSON.stringify({ level: "error", msg: "model server call failed", request_id: ctx.requestId, error: String(e) }));
  if (e instanceof APIConnectionTimeoutError) {
    return new ServiceError("ai_provider_timeout", "The AI model did not answer in time; try again", { retryable: true, cause: e });
  }
  const status = e instanceof APIError ? e.status : undefined;
  const detail = status ? ` (the model server answered ${status})` : "";
  return new ServiceError("ai_provider_error", `The AI model failed${detail}; try again shortly`, { retryable: true, cause: e });
}
