import { eq, type SQL, sql } from "drizzle-orm";
import { forgetWorkspaceDefaultModel } from "../../platform/ai/defaults";
import { actorUserId, type ServiceContext } from "../../platform/context";
import { isUniqueViolation } from "../../platform/db";
import { ServiceError } from "../../platform/errors";
import { requirePermission } from "../permissions/service";
import { isModuleKey, MODULE_KEYS, type ModuleKey } from "./catalogue";
import { toModuleSettings } from "./internal";
import type { ModuleSettingsCreate, ModuleSettingsUpdate, ModuleToggle } from "./schemas";
import { moduleSettings } from "./tables";

/** The AI gateway caches the workspace's default model per isolate: drop it when `ai` changes. */
function aiSettingsChanged(ctx: ServiceContext) {
  if (ctx.workspace) forgetWorkspaceDefaultModel(ctx.workspace.id);
}

/** A module named in a path: unknown keys are a 404, like any other missing resource. */
function moduleFromPath(module: string): ModuleKey {
  if (!isModuleKey(module)) throw new ServiceError("not_found", `Unknown module ${module}`);
  return module;
}

async function findRow(ctx: ServiceContext, module: ModuleKey) {
  const [row] = await ctx.db.select().from(moduleSettings).where(eq(moduleSettings.module, module)).limit(1);
  return row;
}

/** Every module of the catalogue, customised or on its defaults. Any active member may read. */
export async function listModuleSettings(ctx: ServiceContext) {
  const rows = await ctx.db.select().from(moduleSettings);
  const byModule = new Map(rows.map((r) => [r.module, r]));
  return MODULE_KEYS.map((m) => toModuleSettings(m, byModule.get(m)));
}

export async function getModuleSettings(ctx: ServiceContext, module: string) {
  const key = moduleFromPath(module);
  return toModuleSettings(key, await findRow(ctx, key));
}

/** Creates the module's settings row; 409 when the workspace already customised it. */
export async function createModuleSettings(ctx: ServiceContext, input: ModuleSettingsCreate) {
  await requirePermission(ctx, "can_manage_modules");
  try {
    const [row] = await ctx.db
      .insert(moduleSettings)
      .values({ module: input.module, isEnabled: input.is_enabled, settings: input.settings, updatedBy: actorUserId(ctx) })
      .returning();
    if (input.module === "ai") aiSettingsChanged(ctx);
    return toModuleSettings(input.module, row);
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServiceError("conflict", `Settings for module ${input.module} already exist`);
    throw e;
  }
}

/**
 * Writes the module's row, creating it from the defaults when the module has none yet (every
 * catalogue module exists, customised or not). One statement, so concurrent writers cannot
 * collide on the unique module key.
 */
async function upsert(
  ctx: ServiceContext,
  module: ModuleKey,
  change: { isEnabled?: boolean | "flip"; settings?: Record<string, unknown> },
) {
  const updatedBy = actorUserId(ctx);
  const { isEnabled, settings } = change;
  let setEnabled: { isEnabled?: boolean | SQL } = {};
  if (isEnabled === "flip") setEnabled = { isEnabled: sql`NOT ${moduleSettings.isEnabled}` };
  else if (isEnabled !== undefined) setEnabled = { isEnabled };
  const [row] = await ctx.db
    .insert(moduleSettings)
    .values({
      module,
      // A flip of a module on its defaults (enabled) disables it.
      isEnabled: isEnabled === "flip" ? false : (isEnabled ?? true),
      settings: settings ?? {},
      updatedBy,
    })
    .onConflictDoUpdate({
      target: moduleSettings.module,
      set: { ...setEnabled, ...(settings !== undefined ? { settings } : {}), updatedBy, updatedAt: new Date() },
    })
    .returning();
  if (module === "ai") aiSettingsChanged(ctx);
  return toModuleSettings(module, row);
}

/** Enables or disables a module: to `is_enabled` when given, else the opposite of now. */
export async function toggleModule(ctx: ServiceContext, module: string, input: ModuleToggle) {
  const key = moduleFromPath(module);
  await requirePermission(ctx, "can_manage_modules");
  return upsert(ctx, key, { isEnabled: input.is_enabled ?? "flip" });
}

/** Updates a module's state and/or replaces its settings object. */
export async function updateModuleSettings(ctx: ServiceContext, module: string, input: ModuleSettingsUpdate) {
  const key = moduleFromPath(module);
  await requirePermission(ctx, "can_manage_modules");
  return upsert(ctx, key, {
    ...(input.is_enabled !== undefined ? { isEnabled: input.is_enabled } : {}),
    ...(input.settings !== undefined ? { settings: input.settings } : {}),
  });
}
