import { index, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts } from "../../platform/db/columns";
import { users, workspaces } from "../../platform/identity/tables";

/**
 * Refresh tokens are opaque; only their SHA-256 is stored. Each use rotates the token within
 * its family; presenting a rotated (already used) token revokes the whole family.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: pk(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: uuid("family_id").notNull(),
    /** The staff member acting as this user; every token of an impersonated family keeps it. */
    impersonatorId: uuid("impersonator_id"),
    tokenHash: text("token_hash").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    revokedAt: ts("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("refresh_tokens_hash_key").on(t.tokenHash), index("refresh_tokens_family_idx").on(t.familyId)],
);

/**
 * Ids (`jti`) of single-use JWTs already exchanged (impersonation), kept until the token would
 * have expired anyway; the cron drops older rows.
 */
export const usedTokenIds = pgTable("used_token_ids", {
  jti: text("jti").primaryKey(),
  expiresAt: ts("expires_at").notNull(),
  createdAt: createdAt(),
});

/** Single-use emailed tokens (activation, password reset, undoing an email change), stored hashed. */
export const userTokens = pgTable(
  "user_tokens",
  {
    id: pk(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").$type<"activation" | "password_reset" | "email_change_revert">().notNull(),
    tokenHash: text("token_hash").notNull(),
    workspaceId: uuid("workspace_id").references(() => workspaces.id, { onDelete: "cascade" }),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("user_tokens_hash_key").on(t.tokenHash), index("user_tokens_user_idx").on(t.userId, t.purpose)],
);

/**
 * A payment made through Stripe Checkout before an account exists. The billing module creates
 * these from the checkout webhook; signup with the invite code consumes one.
 */
export const paymentInvites = pgTable(
  "payment_invites",
  {
    id: pk(),
    code: text("code").notNull(),
    email: text("email").notNull(),
    accessCode: text("access_code"),
    companyName: text("company_name"),
    fullName: text("full_name"),
    plan: text("plan").notNull().default("starter"),
    stripeCustomerId: text("stripe_customer_id"),
    stripeSubscriptionId: text("stripe_subscription_id"),
    status: text("status").$type<"pending" | "used" | "expired">().notNull().default("pending"),
    usedAt: ts("used_at"),
    usedByUserId: uuid("used_by_user_id"),
    expiresAt: ts("expires_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("payment_invites_code_key").on(t.code), index("payment_invites_email_idx").on(t.email)],
);
