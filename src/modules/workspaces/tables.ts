import { index, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts } from "../../platform/db/columns";
import { type Role, users, workspaceMembers, workspaces } from "../../platform/identity/tables";

/**
 * Control database: invitation tokens (hashed) for pending memberships. One live token per
 * membership: issuing a new one (resend, invite link) retires the previous.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: pk(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    membershipId: uuid("membership_id")
      .notNull()
      .references(() => workspaceMembers.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role").$type<Role>().notNull(),
    tokenHash: text("token_hash").notNull(),
    /**
     * `email`: sent only to the invitee's mailbox, so it may set a first password. `link`: shown
     * to the inviter, so it only ever joins the invitee signed in as themselves.
     */
    delivery: text("delivery").$type<"email" | "link">().notNull().default("email"),
    invitedBy: uuid("invited_by"),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    revokedAt: ts("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("invitations_token_hash_key").on(t.tokenHash), index("invitations_membership_idx").on(t.membershipId)],
);
