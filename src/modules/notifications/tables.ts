import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";

/** Tenant database: one row per recipient of an event (assigned, mentioned, completed, …). */
export const notifications = pgTable(
  "notifications",
  {
    id: pk(),
    recipientMemberId: uuid("recipient_member_id").notNull(),
    actorMemberId: uuid("actor_member_id"),
    eventType: text("event_type").notNull(),
    title: text("title").notNull(),
    body: text("body"),
    link: text("link"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    /**
     * Shown in the member's list and stream. False only for rows kept solely for a digest email
     * (in-app turned off, email on, digest mode): those never appear in the API.
     */
    inApp: boolean("in_app").notNull().default(true),
    /** Waiting for the recipient's next digest email (decided when the notification was made). */
    emailPending: boolean("email_pending").notNull().default(false),
    readAt: ts("read_at"),
    emailedAt: ts("emailed_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("notifications_recipient_idx").on(t.recipientMemberId, t.createdAt),
    index("notifications_email_pending_idx").on(t.recipientMemberId).where(sql`${t.emailPending} AND ${t.emailedAt} IS NULL`),
  ],
);

/**
 * Tenant database: a member's setting for one event type. No row → the catalogue's defaults
 * (catalogue.ts). `muted` silences the event type on every channel.
 */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    id: pk(),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    inappEnabled: boolean("inapp_enabled").notNull().default(true),
    emailEnabled: boolean("email_enabled").notNull().default(false),
    whatsappEnabled: boolean("whatsapp_enabled").notNull().default(false),
    muted: boolean("muted").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("notification_preferences_member_event_key").on(t.memberId, t.eventType)],
);

/** Tenant database: how a member gets notification emails. No row → instant. */
export const notificationEmailSettings = pgTable(
  "notification_email_settings",
  {
    memberId: uuid("member_id")
      .primaryKey()
      .references(() => members.id, { onDelete: "cascade" }),
    emailDeliveryMode: text("email_delivery_mode").$type<"instant" | "digest">().notNull().default("instant"),
    digestFrequencyMinutes: integer("digest_frequency_minutes").notNull().default(60),
    /** When the last digest email went out; the next is due `digest_frequency_minutes` later. */
    lastDigestAt: ts("last_digest_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("notification_email_settings_mode_check", sql`${t.emailDeliveryMode} IN ('instant', 'digest')`),
    check("notification_email_settings_frequency_check", sql`${t.digestFrequencyMinutes} IN (30, 60)`),
  ],
);
