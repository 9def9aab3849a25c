import type { Bindings } from "../../env";
import { readTextCapped } from "../../platform/bytes";
import { ServiceError } from "../../platform/errors";

/**
 * A provider URL as called: the real host, or — with INTEGRATION_PROVIDER_URL set (development,
 * tests) — the same host and path under that base (`http://127.0.0.1:54332/slack.com/api/…`),
 * served by scripts/provider-fakes.ts.
 */
export function providerUrl(env: Bindings, url: string): string {
  const base = env.INTEGRATION_PROVIDER_URL;
  if (!base) return url;
  const u = new URL(url);
  return `${base.replace(/\/+$/, "")}/${u.host}${u.pathname}${u.search}`;
}

/** The provider refused our credentials (revoked, expired, refresh refused): the integration needs re-authorisation. */
export class ProviderAuthError extends Error {
  constructor(
    readonly provider: string,
    message: string,
  ) {
    super(message);
    this.name = "ProviderAuthError";
  }
}

const TIMEOUT_MS = 20_000;

/**
 * fetch() to a provider with a timeout; network failures and 5xx/429 become retryable 502-ish
 * ServiceErrors (service_unavailable), so a queue message is retried and a request says so.
 */
export async function providerFetch(env: Bindings, provider: string, url: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(providerUrl(env, url), { ...init, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new ServiceError("service_unavailable", `${provider} could not be reached`, { retryable: true, cause: e });
  }
  if (res.status >= 500 || res.status === 429) {
    const retryAfter = Number(res.headers.get("retry-after") ?? "") || undefined;
    await res.body?.cancel();
    throw new ServiceError("service_unavailable", `${provider} answered ${res.status}; try again later`, {
      retryable: true,
      ...(retryAfter ? { retryAfter } : {}),
    });
  }
  return res;
}

/** A provider answer larger than this is refused (a page of JSON is far smaller). */
export const MAX_PROVIDER_BODY_BYTES = 4 * 1024 * 1024;

const tooLarge = () => new ServiceError("bad_request", `The provider's answer is larger than ${MAX_PROVIDER_BODY_BYTES / 1024 / 1024} MB`);

export async function readJson(res: Response): Promise<Record<string, unknown>> {
  const text = await readTextCapped(res, MAX_PROVIDER_BODY_BYTES, tooLarge);
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { raw: text.slice(0, 200) };
  }
}

/** The provider's own error text from its error shape (OAuth, Slack, Meta, Shopify). */
export function providerErrorText(body: Record<string, unknown>): string {
  const e = body.error;
  if (e && typeof e === "object") return String((e as { message?: unknown }).message ?? JSON.stringify(e));
  if (typeof e === "string") return typeof body.error_description === "string" ? `${e}: ${body.error_description}` : e;
  if (body.errors !== undefined) return typeof body.errors === "string" ? body.errors : JSON.stringify(body.errors);
  return JSON.stringify(body).slice(0, 200);
}
