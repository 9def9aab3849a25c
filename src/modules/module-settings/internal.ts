import { iso } from "../../platform/openapi";
import { MODULE_CATALOGUE, type ModuleKey } from "./catalogue";
import type { ModuleSettings } from "./schemas";
import type { moduleSettings } from "./tables";

type Row = typeof moduleSettings.$inferSelect;

/** A module's settings as the API shows them: its row, or its defaults when it has none. */
export function toModuleSettings(module: ModuleKey, row: Row | undefined): ModuleSettings {
  const { name, description } = MODULE_CATALOGUE[module];
  return {
    id: row?.id ?? null,
    module,
    name,
    description,
    is_enabled: row?.isEnabled ?? true,
    settings: row?.settings ?? {},
    is_customized: row !== undefined,
    updated_by: row?.updatedBy ?? null,
    created_at: iso(row?.createdAt),
    updated_at: iso(row?.updatedAt),
  };
}
