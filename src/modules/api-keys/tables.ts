import { type AnyPgColumn, boolean, index, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { ApiKeyMode, ApiKeyScope } from "../../platform/apikeys";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { users, workspaces } from "../../platform/identity/tables";

/**
 * Control database: API keys. A key belongs to one workspace and acts as its creator there.
 * Only the SHA-256 of the full key is stored (`key_hash`); `prefix` is what lists show.
 * Revoked keys stay (audit) with `revoked_at` set; deleting removes the row.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: pk(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    createdByUserId: uuid("created_by_user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    /** `atr_live_AbCd1234`: the mode and the first 8 secret characters, for recognising a key. */
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    scopes: text("scopes").array().$type<ApiKeyScope[]>().notNull(),
    mode: text("mode").$type<ApiKeyMode>().notNull().default("live"),
    isActive: boolean("is_active").notNull().default(true),
    /** Optional per-key cap below the plan's requests per minute. */
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    expiresAt: ts("expires_at"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    revokedByUserId: uuid("revoked_by_user_id").references(() => users.id, { onDelete: "set null" }),
    /** The key this one replaced (POST …/rotate). */
    rotatedFromId: uuid("rotated_from_id").references((): AnyPgColumn => apiKeys.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("api_keys_key_hash_key").on(t.keyHash), index("api_keys_workspace_idx").on(t.workspaceId, t.createdAt)],
);
