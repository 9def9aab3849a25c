import { index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts } from "../../platform/db/columns";

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
    readAt: ts("read_at"),
    emailedAt: ts("emailed_at"),
    createdAt: createdAt(),
  },
  (t) => [index("notifications_recipient_idx").on(t.recipientMemberId, t.createdAt)],
);
