import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";
import { DIGEST_FREQUENCIES, EMAIL_DELIVERY_MODES, EVENT_TYPE_NAMES } from "./catalogue";

export const NotificationSchema = z
  .object({
    id: z.uuid(),
    recipient_member_id: z.uuid(),
    actor_member_id: z.uuid().nullable(),
    event_type: z.string(),
    title: z.string(),
    body: z.string().nullable(),
    link: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    is_read: z.boolean(),
    read_at: isoDate.nullable(),
    created_at: isoDate,
  })
  .openapi("Notification");

const boolQuery = (name: string) =>
  z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true" || v === "1"))
    .openapi({ param: { name, in: "query" }, type: "boolean" });

export const NotificationListQuery = z.object({
  unread_only: boolQuery("unread_only"),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(50)
    .openapi({ param: { name: "limit", in: "query" }, description: "At most 100; default 50" }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ param: { name: "offset", in: "query" } }),
});

export const NotificationListSchema = z
  .object({
    items: z.array(NotificationSchema),
    total: z.number().int().openapi({ description: "Matching notifications (respects unread_only)" }),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("NotificationList");

export const UnreadCountSchema = z.object({ count: z.number().int() }).openapi("NotificationUnreadCount");

export const MarkReadRequest = z
  .object({
    notification_id: z.uuid().nullable().optional().openapi({ description: "One notification; omit (or null) for all of yours" }),
  })
  .strict()
  .openapi("NotificationMarkRead");
export const MarkReadResultSchema = z.object({ updated: z.number().int() }).openapi("NotificationMarkReadResult");

// Preferences -----------------------------------------------------------------------------

export const EventTypeSchema = z.enum(EVENT_TYPE_NAMES).openapi("NotificationEventType");

export const DefaultSettingSchema = z
  .object({
    event_type: EventTypeSchema,
    label: z.string(),
    description: z.string(),
    highlight: z.boolean().openapi({ description: "Needs the recipient to act; highlighted in digests" }),
    inapp_enabled: z.boolean(),
    email_enabled: z.boolean(),
    whatsapp_enabled: z.boolean(),
    muted: z.boolean(),
  })
  .openapi("NotificationDefaultSetting");

export const DefaultsSchema = z
  .record(z.string(), z.record(z.string(), DefaultSettingSchema))
  .openapi("NotificationDefaults", { description: "Category → event type → recommended settings" });

export const PreferenceSchema = z
  .object({
    id: z.uuid(),
    member_id: z.uuid(),
    event_type: z.string(),
    inapp_enabled: z.boolean(),
    email_enabled: z.boolean(),
    whatsapp_enabled: z.boolean(),
    muted: z.boolean(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("NotificationPreference");
export const PreferenceListSchema = z.array(PreferenceSchema).openapi("NotificationPreferenceList");

const toggles = {
  inapp_enabled: z.boolean().optional(),
  email_enabled: z.boolean().optional(),
  whatsapp_enabled: z.boolean().optional(),
  muted: z.boolean().optional(),
};
const hasToggle = (v: Record<string, unknown>) => Object.values(v).some((x) => x !== undefined);

/** Omitted settings take the event type's recommended defaults. */
export const PreferenceCreateRequest = z
  .object({ event_type: EventTypeSchema, ...toggles })
  .strict()
  .openapi("NotificationPreferenceCreate");
export type PreferenceCreateRequest = z.infer<typeof PreferenceCreateRequest>;

export const PreferenceUpdateRequest = z
  .object(toggles)
  .strict()
  .refine(hasToggle, { message: "Give at least one of inapp_enabled, email_enabled, whatsapp_enabled, muted" })
  .openapi("NotificationPreferenceUpdate");
export type PreferenceUpdateRequest = z.infer<typeof PreferenceUpdateRequest>;

export const PreferenceBulkRequest = z
  .object({
    preferences: z
      .array(PreferenceCreateRequest)
      .min(1)
      .max(100)
      .refine((l) => new Set(l.map((p) => p.event_type)).size === l.length, { message: "Each event_type may appear only once" }),
  })
  .strict()
  .openapi("NotificationPreferenceBulkUpdate");
export type PreferenceBulkRequest = z.infer<typeof PreferenceBulkRequest>;

export const PreferenceIdParam = z.object({
  preference_id: z.string().openapi({ param: { name: "preference_id", in: "path" } }),
});

export const PreferenceV2Schema = z
  .object({
    event_type: z.string(),
    category: z.string(),
    label: z.string(),
    inapp_enabled: z.boolean(),
    email_enabled: z.boolean(),
    whatsapp_enabled: z.boolean(),
    muted: z.boolean(),
    is_default: z.boolean().openapi({ description: "True when no preference is stored and the defaults apply" }),
  })
  .openapi("NotificationPreferenceV2");
export const PreferencesV2Schema = z
  .record(z.string(), PreferenceV2Schema)
  .openapi("NotificationPreferencesV2", { description: "Event type → settings, every catalogue event type present" });

export const EventTypeParam = z.object({
  event_type: z.string().openapi({ param: { name: "event_type", in: "path" }, example: "task_assigned" }),
});

// Email delivery -----------------------------------------------------------------------------

// 30/60 as numbers, or "30"/"60" as the seed writes them.
const Frequency = z
  .union([z.literal(30), z.literal(60), z.literal("30"), z.literal("60")])
  .transform((v) => Number(v) as (typeof DIGEST_FREQUENCIES)[number])
  .openapi({ type: "integer", enum: [...DIGEST_FREQUENCIES], description: "Minutes between digests (30 or 60)" });

export const EmailPreferenceSchema = z
  .object({
    email_delivery_mode: z.enum(EMAIL_DELIVERY_MODES),
    digest_frequency_minutes: z
      .number()
      .int()
      .openapi({ enum: [...DIGEST_FREQUENCIES] }),
    last_digest_at: isoDate.nullable(),
  })
  .openapi("NotificationEmailPreference");

export const EmailPreferenceUpdateRequest = z
  .object({ email_delivery_mode: z.enum(EMAIL_DELIVERY_MODES).optional(), digest_frequency_minutes: Frequency.optional() })
  .strict()
  .refine(hasToggle, { message: "Give email_delivery_mode and/or digest_frequency_minutes" })
  .openapi("NotificationEmailPreferenceUpdate");
export type EmailPreferenceUpdateRequest = z.infer<typeof EmailPreferenceUpdateRequest>;
