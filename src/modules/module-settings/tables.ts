import { boolean, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, updatedAt } from "../../platform/db/columns";

/**
 * Tenant database: a workspace's settings of one platform module. A module without a row runs
 * on its defaults (enabled, no settings); `module` is a key of the catalogue in catalogue.ts.
 */
export const moduleSettings = pgTable(
  "module_settings",
  {
    id: pk(),
    module: text("module").notNull(),
    isEnabled: boolean("is_enabled").notNull().default(true),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    /** User id (control database) of the last person who changed the row. */
    updatedBy: uuid("updated_by"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("module_settings_module_key").on(t.module)],
);
