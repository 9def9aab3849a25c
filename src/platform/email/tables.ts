import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, pk, ts } from "../db/columns";

/** Every email the platform sends goes through this outbox; a sender drains it in production. */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: pk(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body"),
    /** activation, password_reset, invitation, … */
    template: text("template").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status").notNull().default("pending"),
    sentAt: ts("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [index("email_outbox_to_idx").on(t.toAddress, t.createdAt)],
);
