import { z } from "@hono/zod-openapi";
import { API_KEY_MODES, API_KEY_SCOPES } from "../../platform/apikeys";
import { isoDate } from "../../platform/openapi";

export const ApiKeyScopeSchema = z.enum(API_KEY_SCOPES).openapi("ApiKeyScope", {
  description: "read: GET requests; write: POST/PUT/PATCH/DELETE; admin: everything, including managing API keys and permissions",
});
export const ApiKeyModeSchema = z.enum(API_KEY_MODES).openapi("ApiKeyMode", {
  description: "live keys (`atr_live_…`) for production; test keys (`atr_test_…`) get a tenth of the plan's requests per minute",
});

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    prefix: z.string().openapi({ description: "The start of the key, for recognising it", example: "atr_live_AbCd1234" }),
    scopes: z.array(ApiKeyScopeSchema),
    mode: ApiKeyModeSchema,
    is_active: z.boolean().openapi({ description: "false while disabled (POST …/toggle)" }),
    is_revoked: z.boolean(),
    is_expired: z.boolean(),
    rate_limit_per_minute: z.number().int().nullable().openapi({ description: "Per-key cap below the plan's limit; null: the plan's" }),
    expires_at: isoDate.nullable(),
    last_used_at: isoDate.nullable().openapi({ description: "Updated at most once a minute" }),
    revoked_at: isoDate.nullable(),
    revoked_by_user_id: z.uuid().nullable(),
    rotated_from_id: z.uuid().nullable().openapi({ description: "The key this one replaced" }),
    created_by_user_id: z.uuid().openapi({ description: "The key acts as this user, with their current role" }),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("ApiKey");

export const ApiKeyWithSecretSchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description: "The full API key. Shown only in this response: store it now, it cannot be retrieved again.",
    example: "atr_live_AbCd1234…",
  }),
}).openapi("ApiKeyWithSecret");

const name = z.string().trim().min(1).max(100);
const description = z.string().trim().max(500).nullable();
const scopes = z
  .array(ApiKeyScopeSchema)
  .min(1)
  .max(API_KEY_SCOPES.length)
  .refine((s) => new Set(s).size === s.length, "Scopes must not repeat");
const rateLimit = z.number().int().min(1).max(100_000).nullable();

export const ApiKeyCreate = z
  .object({
    name,
    description: description.optional(),
    scopes: scopes.default(["read", "write"]).openapi({ description: 'Default ["read", "write"]' }),
    mode: ApiKeyModeSchema.default("live"),
    expires_at: z.iso
      .datetime({ offset: true })
      .nullable()
      .optional()
      .openapi({ description: "When the key stops working; omit or null for never" }),
    rate_limit_per_minute: rateLimit.optional(),
  })
  .openapi("ApiKeyCreate");
export type ApiKeyCreate = z.infer<typeof ApiKeyCreate>;

export const ApiKeyUpdate = z
  .object({
    name: name.optional(),
    description: description.optional(),
    scopes: scopes.optional(),
    is_active: z.boolean().optional().openapi({ description: "A revoked key cannot be re-activated" }),
    rate_limit_per_minute: rateLimit.optional(),
  })
  .openapi("ApiKeyUpdate");
export type ApiKeyUpdate = z.infer<typeof ApiKeyUpdate>;

export const ApiKeyIdParam = z.object({
  api_key_id: z.string().openapi({ param: { name: "api_key_id", in: "path" } }),
});

const bool = (description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ type: "boolean", description });

export const ApiKeyFilters = z.object({
  is_active: bool("Only enabled (true) or disabled (false) keys"),
  is_revoked: bool("Only revoked (true) or unrevoked (false) keys"),
});
export type ApiKeyFilters = z.infer<typeof ApiKeyFilters>;

export const ListApiKeysQuery = ApiKeyFilters.extend({
  skip: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type ListApiKeysQuery = z.infer<typeof ListApiKeysQuery>;

export const CountSchema = z.object({ count: z.number().int() }).openapi("ApiKeyCount");
