import type { ServiceContext } from "../../platform/context";
import { decryptSecret, encryptSecret } from "../../platform/crypto";
import { invalidField } from "../../platform/errors";
import { EVENT_TYPES, isEventType } from "../../platform/events/catalogue";
import { iso } from "../../platform/openapi";
import type { webhookEndpoints } from "./tables";

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** Queue message: one attempt of one delivery. `attempt` is 1-based; stale copies are ignored. */
export const DELIVER_MESSAGE = "webhook.deliver";
export interface DeliverMessage {
  type: typeof DELIVER_MESSAGE;
  workspace_id: string;
  delivery_id: string;
  attempt: number;
  request_id?: string;
  [key: string]: unknown;
}

/** `whsec_` + 24 random bytes in standard base64, the format Standard Webhooks libraries read. */
export function newSecret(): string {
  const b = new Uint8Array(24);
  crypto.getRandomValues(b);
  return `whsec_${btoa(String.fromCharCode(...b))}`;
}

export const sealSecret = (ctx: ServiceContext, s: string) => encryptSecret(ctx.env.ENCRYPTION_KEY, s);
export const openSecret = (ctx: ServiceContext, s: string) => decryptSecret(ctx.env.ENCRYPTION_KEY, s);

const mask = (s: string) => `whsec_${"*".repeat(8)}${s.slice(-4)}`;

/** Unknown names → 422 listing the valid ones; "*" subscribes to everything and stands alone. */
export function checkEvents(events: string[], loc: (string | number)[]): string[] {
  const unique = [...new Set(events)];
  if (unique.includes("*")) {
    if (unique.length > 1) throw invalidField(loc, '"*" already subscribes to every event; list it alone');
    return unique;
  }
  const unknown = unique.filter((e) => !isEventType(e));
  if (unknown.length > 0) {
    throw invalidField(loc, `Unknown event type(s): ${unknown.join(", ")}. Valid: *, ${EVENT_TYPES.join(", ")}`, "unknown_event_type");
  }
  return unique;
}

export async function toWebhook(ctx: ServiceContext, r: EndpointRow, reveal = false) {
  const secret = await openSecret(ctx, r.secretEncrypted);
  const overlapping = r.previousSecretExpiresAt && r.previousSecretExpiresAt.getTime() > Date.now();
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    description: r.description,
    is_active: r.isActive,
    signing_scheme: r.signingScheme,
    secret: reveal ? secret : mask(secret),
    previous_secret_expires_at: overlapping ? iso(r.previousSecretExpiresAt) : null,
    failing_since: iso(r.failingSince),
    disabled_reason: r.disabledReason,
    last_success_at: iso(r.lastSuccessAt),
    last_failure_at: iso(r.lastFailureAt),
    created_by_member_id: r.createdByMemberId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
