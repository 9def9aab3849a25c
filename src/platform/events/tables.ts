import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { ts } from "../db/columns";
import { uuidv7 } from "../ids";

/**
 * Tenant database: the transactional outbox. A module writes its event in the same transaction
 * as the change; the dispatcher publishes committed rows to the webhooks queue and stamps
 * `published_at`. A rolled-back change leaves no row; a Worker that dies after the commit leaves
 * an unpublished row that the cron sweep publishes; a published message that no consumer finished
 * (dead-lettered) leaves `fanned_out_at` null, and the sweep publishes the row again.
 */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    /** UUIDv7: time-ordered, and the `webhook-id` receivers deduplicate on. */
    id: uuid("id")
      .primaryKey()
      .$defaultFn(() => uuidv7()),
    type: text("type").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    occurredAt: ts("occurred_at").notNull().defaultNow(),
    publishedAt: ts("published_at"),
    /** Set by the consumer once the event's deliveries exist; null long after publishing = lost message. */
    fannedOutAt: ts("fanned_out_at"),
  },
  (t) => [
    index("outbox_events_unpublished_idx").on(t.id).where(sql`${t.publishedAt} is null`),
    index("outbox_events_occurred_idx").on(t.occurredAt),
    index("outbox_events_unfanned_idx").on(t.publishedAt).where(sql`${t.publishedAt} is not null and ${t.fannedOutAt} is null`),
  ],
);
