import { index, integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt } from "../db/columns";

/**
 * Control database: responses of mutating POSTs sent with an `Idempotency-Key`, kept 24 h.
 * `scope` is who sent it (user, API key or anonymous), so keys never collide across callers.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    /** processing until the first response is stored. */
    state: text("state").$type<"processing" | "done">().notNull().default("processing"),
    responseStatus: integer("response_status"),
    responseHeaders: jsonb("response_headers").$type<Record<string, string>>(),
    responseBody: text("response_body"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index("idempotency_keys_created_idx").on(t.createdAt)],
);
