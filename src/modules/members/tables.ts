import { boolean, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, updatedAt } from "../../platform/db/columns";
import type { Role } from "../../platform/identity/tables";

/**
 * Tenant database: the workspace's member records. `user_id` points at the control database's
 * users (no FK across databases); role mirrors workspace_members.role for joins inside the tenant.
 */
export const members = pgTable(
  "members",
  {
    id: pk(),
    userId: uuid("user_id").notNull(),
    email: text("email").notNull(),
    fullName: text("full_name"),
    displayName: text("display_name"),
    avatarUrl: text("avatar_url"),
    title: text("title"),
    role: text("role").$type<Role>().notNull().default("member"),
    isActive: boolean("is_active").notNull().default(true),
    tours: jsonb("tours").$type<Record<string, boolean>>().notNull().default({}),
    onboardingCompleted: boolean("onboarding_completed").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("members_user_id_key").on(t.userId)],
);
