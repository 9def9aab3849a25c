import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";

/** Tenant database: outgoing webhook endpoints, one delivery per (event, endpoint), one row per attempt. */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: pk(),
    url: text("url").notNull(),
    description: text("description"),
    /** Event types, or ["*"] for all. */
    events: text("events").array().notNull(),
    isActive: boolean("is_active").notNull().default(true),
    /** How deliveries are signed: "standard" (Standard Webhooks); surfaces add their own. */
    signingScheme: text("signing_scheme").notNull().default("standard"),
    /** `whsec_…`, AES-GCM encrypted with ENCRYPTION_KEY (it must sign, so it cannot be hashed). */
    secretEncrypted: text("secret_encrypted").notNull(),
    /** The secret before the last rotation keeps signing until this time (the overlap window). */
    previousSecretEncrypted: text("previous_secret_encrypted"),
    previousSecretExpiresAt: ts("previous_secret_expires_at"),
    /** Start of the current run of failures (null while healthy); 5 days of it disables the endpoint. */
    failingSince: ts("failing_since"),
    disabledReason: text("disabled_reason"),
    lastSuccessAt: ts("last_success_at"),
    lastFailureAt: ts("last_failure_at"),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("webhook_endpoints_active_idx").on(t.isActive)],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: pk(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The outbox event (null for test sends); also the `webhook-id` header. */
    eventId: uuid("event_id"),
    messageId: text("message_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact body sent on every attempt. */
    payload: text("payload").notNull(),
    /** pending → delivering → succeeded | pending (retry) | dead. */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    /** A delivering row whose lease passed belongs to a consumer that died; the sweep re-queues it. */
    leaseUntil: ts("lease_until"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: ts("delivered_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint_key").on(t.eventId, t.endpointId),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt),
    index("webhook_deliveries_open_idx").on(t.status, t.nextAttemptAt).where(sql`${t.status} in ('pending', 'delivering')`),
  ],
);

export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: pk(),
    deliveryId: uuid("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    success: boolean("success").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
    requestHeaders: jsonb("request_headers").$type<Record<string, string>>(),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);
