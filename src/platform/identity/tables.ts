import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../db/columns";

/**
 * Control database: identities and the workspace registry. These span workspaces, so they live
 * in the control database; the auth middleware and tenant resolution read them.
 */
export const users = pgTable(
  "users",
  {
    id: pk(),
    email: text("email").notNull(),
    passwordHash: text("password_hash"),
    fullName: text("full_name"),
    displayName: text("display_name"),
    title: text("title"),
    phone: text("phone"),
    bio: text("bio"),
    avatarUrl: text("avatar_url"),
    isActive: boolean("is_active").notNull().default(true),
    isVerified: boolean("is_verified").notNull().default(false),
    isSuperuser: boolean("is_superuser").notNull().default(false),
    isStaff: boolean("is_staff").notNull().default(false),
    clerkId: text("clerk_id"),
    /** Set by POST /workspaces/switch; the default workspace after sign-in while still a member. */
    lastWorkspaceId: uuid("last_workspace_id"),
    lastLoginAt: ts("last_login_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`), uniqueIndex("users_clerk_id_key").on(t.clerkId)],
);

export const workspaces = pgTable(
  "workspaces",
  {
    id: pk(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
    /** provisioning → active; failed when its tenant database could not be made. */
    status: text("status").notNull().default("provisioning"),
    plan: text("plan").notNull().default("trial"),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    stripeCustomerId: text("stripe_customer_id"),
    stripeSubscriptionId: text("stripe_subscription_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("workspaces_slug_key").on(t.slug)],
);

export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const workspaceMembers = pgTable(
  "workspace_members",
  {
    id: pk(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").$type<Role>().notNull().default("member"),
    /** active, or invited until the invitation is accepted. */
    status: text("status").notNull().default("active"),
    invitedBy: uuid("invited_by"),
    joinedAt: ts("joined_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("workspace_members_ws_user_key").on(t.workspaceId, t.userId), index("workspace_members_user_idx").on(t.userId)],
);

/** Where each workspace's own database lives. The connection string is AES-GCM encrypted. */
export const tenantDatabases = pgTable("tenant_databases", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  provider: text("provider").$type<"local" | "neon">().notNull(),
  databaseName: text("database_name").notNull(),
  neonProjectId: text("neon_project_id"),
  neonBranchId: text("neon_branch_id"),
  connectionEncrypted: text("connection_encrypted").notNull(),
  /** Name of the last tenant migration applied to this database. */
  schemaVersion: text("schema_version"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Neon projects that hold tenant branches; filled in turn up to the per-project branch limit. */
export const neonProjects = pgTable("neon_projects", {
  projectId: text("project_id").primaryKey(),
  templateBranchId: text("template_branch_id").notNull(),
  branchCount: integer("branch_count").notNull().default(0),
  branchLimit: integer("branch_limit").notNull().default(5000),
  /** Last tenant migration applied to the template branch; behind the bundled one → migrate first. */
  templateSchemaVersion: text("template_schema_version"),
  createdAt: createdAt(),
});
