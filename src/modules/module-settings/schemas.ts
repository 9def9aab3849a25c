import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";
import { MODULE_KEYS } from "./catalogue";

/** Largest `settings` object accepted, as UTF-8 JSON. */
export const MAX_SETTINGS_BYTES = 32 * 1024;

const jsonBytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).byteLength;

/** A JSON object (not an array, string or null), at most MAX_SETTINGS_BYTES as JSON. */
export const ModuleSettingsObject = z
  .record(z.string().max(128), z.unknown())
  .refine((o) => jsonBytes(o) <= MAX_SETTINGS_BYTES, `Settings must be at most ${MAX_SETTINGS_BYTES} bytes as JSON`)
  .openapi("ModuleSettingsObject", { description: "Free-form module configuration (a JSON object, at most 32 KiB)" });

export const ModuleKeySchema = z.enum(MODULE_KEYS).openapi("ModuleKey");

export const ModuleSettingsSchema = z
  .object({
    id: z.uuid().nullable().openapi({ description: "null while the module runs on its defaults" }),
    module: ModuleKeySchema,
    name: z.string(),
    description: z.string(),
    is_enabled: z.boolean(),
    settings: z.record(z.string(), z.unknown()),
    is_customized: z.boolean().openapi({ description: "Whether the workspace has its own settings row for the module" }),
    updated_by: z.uuid().nullable().openapi({ description: "User who last changed the settings" }),
    created_at: isoDate.nullable(),
    updated_at: isoDate.nullable(),
  })
  .openapi("ModuleSettings");
export type ModuleSettings = z.infer<typeof ModuleSettingsSchema>;

export const ModuleSettingsList = z.array(ModuleSettingsSchema).openapi("ModuleSettingsList");

export const ModuleParam = z.object({
  module: z
    .string()
    .max(64)
    .openapi({ param: { name: "module", in: "path" }, example: "channels" }),
});

export const ModuleSettingsCreate = z
  .object({
    module: ModuleKeySchema,
    is_enabled: z.boolean().default(true),
    settings: ModuleSettingsObject.default({}),
  })
  .openapi("ModuleSettingsCreate");
export type ModuleSettingsCreate = z.infer<typeof ModuleSettingsCreate>;

export const ModuleSettingsUpdate = z
  .object({
    is_enabled: z.boolean().optional(),
    settings: ModuleSettingsObject.optional().openapi({ description: "Replaces the module's settings object" }),
  })
  .refine((o) => o.is_enabled !== undefined || o.settings !== undefined, "Give is_enabled, settings or both")
  .openapi("ModuleSettingsUpdate");
export type ModuleSettingsUpdate = z.infer<typeof ModuleSettingsUpdate>;

export const ModuleToggle = z
  .object({
    is_enabled: z.boolean().optional().openapi({ description: "The state to set; without it the current state flips" }),
  })
  .openapi("ModuleToggle");
export type ModuleToggle = z.infer<typeof ModuleToggle>;
