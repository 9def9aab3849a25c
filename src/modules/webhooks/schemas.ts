import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

export const WebhookIdParam = z.object({
  webhook_id: z.string().openapi({ param: { name: "webhook_id", in: "path" }, format: "uuid" }),
});
export const DeliveryIdParam = WebhookIdParam.extend({
  delivery_id: z.string().openapi({ param: { name: "delivery_id", in: "path" }, format: "uuid" }),
});

const BoolString = z.enum(["true", "false"]).transform((v) => v === "true");

export const ListWebhooksQuery = z.object({
  skip: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(100),
  is_active: BoolString.optional().openapi({ type: "string", enum: ["true", "false"] }),
});
export type ListWebhooksQuery = z.infer<typeof ListWebhooksQuery>;
export const CountWebhooksQuery = ListWebhooksQuery.pick({ is_active: true });

const Url = z.string().trim().min(1).max(2048).openapi({ example: "https://example.com/hooks/atrium" });
const Events = z
  .array(z.string().trim().min(1).max(100))
  .min(1)
  .max(100)
  .openapi({ description: 'Event types from GET /api/v1/webhooks/event-types, or ["*"] for all', example: ["task.completed"] });

export const WebhookCreate = z
  .object({
    url: Url,
    events: Events,
    description: z.string().trim().max(500).nullish(),
    is_active: z.boolean().default(true),
  })
  .openapi("WebhookCreate");
export type WebhookCreate = z.infer<typeof WebhookCreate>;

export const WebhookUpdate = z
  .object({
    url: Url.optional(),
    events: Events.optional(),
    description: z.string().trim().max(500).nullish(),
    is_active: z.boolean().optional(),
  })
  .openapi("WebhookUpdate");
export type WebhookUpdate = z.infer<typeof WebhookUpdate>;

export const RegenerateSecretBody = z
  .object({
    overlap_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(86_400)
      .openapi({ description: "How long the old secret keeps signing next to the new one (0 = revoke now; default 24 h)" }),
  })
  .openapi("WebhookRegenerateSecret");

export const WebhookTestBody = z
  .object({
    event: z.string().trim().min(1).max(100).default("webhook.test"),
    payload: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("WebhookTest");
export type WebhookTestBody = z.infer<typeof WebhookTestBody>;

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    is_active: z.boolean(),
    signing_scheme: z.string(),
    secret: z.string().openapi({ description: "Masked, except in the create and regenerate answers (shown once)" }),
    previous_secret_expires_at: isoDate.nullable(),
    failing_since: isoDate.nullable(),
    disabled_reason: z.string().nullable(),
    last_success_at: isoDate.nullable(),
    last_failure_at: isoDate.nullable(),
    created_by_member_id: z.string().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Webhook");

export const WebhookTestResult = z
  .object({
    success: z.boolean(),
    status_code: z.number().int(),
    message: z.string(),
    delivery_id: z.string(),
    latency_ms: z.number().int(),
  })
  .openapi("WebhookTestResult");

export const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    status_code: z.number().int().nullable(),
    success: z.boolean(),
    latency_ms: z.number().int(),
    response_excerpt: z.string().nullable(),
    error: z.string().nullable(),
    created_at: isoDate,
  })
  .openapi("WebhookAttempt");

export const DeliverySchema = z
  .object({
    id: z.string(),
    webhook_id: z.string(),
    event_id: z.string().nullable(),
    message_id: z.string(),
    event_type: z.string(),
    status: z.enum(["pending", "delivering", "succeeded", "dead"]),
    attempts: z.number().int(),
    next_attempt_at: isoDate.nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    delivered_at: isoDate.nullable(),
    created_at: isoDate,
  })
  .openapi("WebhookDelivery");
export const DeliveryDetailSchema = DeliverySchema.extend({ payload: z.unknown(), attempt_log: z.array(AttemptSchema) }).openapi(
  "WebhookDeliveryDetail",
);

export const ListDeliveriesQuery = z.object({
  status: z.enum(["pending", "delivering", "succeeded", "dead"]).optional(),
  event_type: z.string().max(100).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  skip: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuery>;

export const RedeliverFailedBody = z
  .object({ since: z.iso.datetime({ offset: true }).openapi({ description: "Re-send every dead delivery created at or after this time" }) })
  .openapi("WebhookRedeliverFailed");

export const EventTypeSchema = z
  .object({ type: z.string(), description: z.string(), schema: z.record(z.string(), z.unknown()) })
  .openapi("WebhookEventType");
