import Stripe from "stripe";
import type { Bindings } from "../../env";
import { ServiceError } from "../../platform/errors";

/**
 * The Stripe SDK over fetch (workerd). With STRIPE_API_URL set (development and tests) it talks
 * to the local fake (scripts/stripe-fake.ts) over http; without it, to the real API.
 */
const clients = new WeakMap<object, Stripe>();

export function stripeOf(env: Bindings): Stripe {
  const hit = clients.get(env);
  if (hit) return hit;
  if (!env.STRIPE_SECRET_KEY) throw new ServiceError("service_unavailable", "Billing is not configured on this server (STRIPE_SECRET_KEY)");
  const base = env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : undefined;
  const client = new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 1,
    timeout: 15_000,
    ...(base ? { host: base.hostname, port: Number(base.port || 80), protocol: base.protocol === "https:" ? "https" : "http" } : {}),
  });
  clients.set(env, client);
  return client;
}

export const subtleCrypto = Stripe.createSubtleCryptoProvider();

/**
 * Runs one Stripe call and maps its failures: a declined card → 402 payment_failed, an unknown
 * object → 404, a bad request → 422, anything else (Stripe down, timeout, 5xx) → 502
 * billing_provider_error. Callers change local state only after Stripe succeeded.
 */
export async function callStripe<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw stripeFailure(what, e);
  }
}

export function stripeFailure(what: string, e: unknown): Error {
  if (e instanceof ServiceError) return e;
  const err = e as { type?: string; code?: string; message?: string; statusCode?: number; decline_code?: string; param?: string };
  if (err?.type === "StripeCardError") {
    return new ServiceError(
      "payment_failed",
      `The card was declined (${err.decline_code ?? err.code ?? "card_error"}): ${err.message ?? ""}`.trim(),
      {
        extra: { decline_code: err.decline_code ?? err.code ?? null },
      },
    );
  }
  if (err?.type === "StripeInvalidRequestError") {
    if (err.code === "resource_missing" || err.statusCode === 404) return new ServiceError("not_found", `${what}: not found at Stripe`);
    return new ServiceError("validation_error", `${what}: ${err.message ?? "rejected by Stripe"}`, {
      issues: [{ loc: ["body", err.param ?? "stripe"], msg: err.message ?? "rejected by Stripe", type: "stripe_error" }],
    });
  }
  console.error(JSON.stringify({ level: "error", msg: "stripe call failed", what, error: String(err?.message ?? e) }));
  return new ServiceError("billing_provider_error", `Stripe could not be reached (${what}); nothing was changed, try again`, {
    retryable: true,
    cause: e,
  });
}

export type { Stripe };
