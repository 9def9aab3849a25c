import { boolean, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, updatedAt } from "../../platform/db/columns";
import type { Role } from "../../platform/identity/tables";

/** Tenant database: a workspace's overrides of the default role permissions (never for owners). */
export const rolePermissions = pgTable(
  "role_permissions",
  {
    id: pk(),
    role: text("role").$type<Exclude<Role, "owner">>().notNull(),
    permission: text("permission").notNull(),
    allowed: boolean("allowed").notNull(),
    updatedBy: uuid("updated_by"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("role_permissions_role_permission_key").on(t.role, t.permission)],
);
