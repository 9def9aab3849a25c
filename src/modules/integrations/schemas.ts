import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });
const nullableDate = isoDate.nullable();

export const IntegrationSchema = z
  .object({
    id: z.uuid(),
    type: z.string(),
    name: z.string(),
    category: z.string().nullable(),
    status: z.enum(["connected", "needs_reauth", "error"]),
    is_active: z.boolean(),
    auth_type: z.enum(["oauth", "api_key"]),
    account_id: z.string().nullable(),
    account_name: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    scopes: z.string().nullable(),
    has_credentials: z.boolean().openapi({ description: "Tokens are stored encrypted and never returned" }),
    token_expires_at: nullableDate,
    last_sync_at: nullableDate,
    last_sync_status: z.string().nullable(),
    last_error: z.string().nullable(),
    created_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Integration");

export const AvailableIntegrationSchema = z
  .object({
    type: z.string(),
    name: z.string(),
    category: z.string(),
    description: z.string(),
    auth_type: z.literal("oauth"),
    supports_pkce: z.boolean(),
    accepts_access_token: z.boolean(),
    supports_sync: z.boolean(),
    data_name: z.string().nullable(),
    entities: z.array(z.object({ name: z.string(), display_name: z.string(), table_name: z.string() })),
    configured: z.boolean().openapi({ description: "Whether this server has the provider's OAuth app credentials" }),
    connected: z.boolean(),
    integration_id: z.uuid().nullable(),
    status: z.string().nullable(),
  })
  .openapi("AvailableIntegration");

export const DataSyncProviderSchema = z
  .object({
    provider: z.enum(["fivetran", "airbyte", "none"]),
    configured: z.boolean(),
    missing: z.array(z.string()).openapi({ description: "Settings the provider still needs" }),
    description: z.string(),
  })
  .openapi("DataSyncProvider");

export const ListIntegrationsQuery = z.object({
  type: z.string().max(50).optional().openapi(q("type", "Filter by integration type")),
  status: z.enum(["connected", "needs_reauth", "error"]).optional().openapi(q("status", "Filter by connection status")),
  is_active: z.enum(["true", "false"]).optional().openapi(q("is_active", "Filter by active status")),
});
export type ListIntegrationsQuery = z.infer<typeof ListIntegrationsQuery>;

export const IntegrationIdParam = z.object({
  integration_id: z.string().openapi({ param: { name: "integration_id", in: "path" } }),
});
export const RunIdParam = z.object({ run_id: z.string().openapi({ param: { name: "run_id", in: "path" } }) });
export const IntegrationTypeParam = z.object({
  integration_type: z
    .string()
    .max(50)
    .openapi({ param: { name: "integration_type", in: "path" }, description: "slack, google_drive, …" }),
});

/** Settings a workspace may change; anything else is a 422. */
export const IntegrationSettings = z
  .object({
    sync_page_size: z
      .number()
      .int()
      .min(1)
      .max(250)
      .optional()
      .openapi({ description: "Rows per provider page when syncing (default 250)" }),
    ad_account_id: z
      .string()
      .regex(/^act_[0-9]{1,20}$/)
      .optional()
      .openapi({ description: "Meta Ads: the ad account to sync and query" }),
  })
  .strict()
  .openapi("IntegrationSettings");
export type IntegrationSettings = z.infer<typeof IntegrationSettings>;

export const IntegrationCreate = z
  .object({
    type: z.string().max(50),
    name: z.string().trim().min(1).max(200).optional(),
    settings: IntegrationSettings.optional(),
    credentials: z
      .object({
        access_token: z.string().min(8).max(4096),
        shop_domain: z.string().max(100).optional().openapi({ description: "Shopify: name.myshopify.com" }),
      })
      .strict()
      .openapi({ description: "For integrations that take a token directly (Shopify custom app, Meta system user)" }),
  })
  .strict()
  .openapi("IntegrationCreate");
export type IntegrationCreate = z.infer<typeof IntegrationCreate>;

export const IntegrationUpdate = z
  .object({ name: z.string().trim().min(1).max(200).optional(), settings: IntegrationSettings.optional() })
  .strict()
  .openapi("IntegrationUpdate");
export type IntegrationUpdate = z.infer<typeof IntegrationUpdate>;

export const DisconnectResultSchema = z
  .object({
    status: z.literal("disconnected"),
    integration_id: z.uuid(),
    type: z.string(),
    revoked: z.boolean(),
    revocation_detail: z.string(),
    recordsets_deleted: z.number().int(),
    staged_rows_deleted: z.number().int(),
  })
  .openapi("DisconnectResult");

export const OAuthInitiateQuery = z.object({
  shop: z.string().max(100).optional().openapi(q("shop", "Shopify only: the shop (name.myshopify.com)")),
});
export const OAuthInitiateSchema = z
  .object({
    authorization_url: z.string(),
    url: z.string().openapi({ description: "Same as authorization_url" }),
    state: z.string().openapi({ description: "Signed, single use, 10 minutes" }),
    integration_type: z.string(),
    expires_in: z.number().int(),
  })
  .openapi("OAuthInitiate");

export const OAuthCallbackBody = z
  .object({ code: z.string().min(1).max(2048), state: z.string().min(1).max(4096) })
  .strict()
  .openapi("OAuthCallback");
export const OAuthCallbackQuery = z.object({
  code: z.string().min(1).max(2048).openapi(q("code", "Authorisation code")),
  state: z.string().min(1).max(4096).openapi(q("state", "The state from the URL endpoint")),
});
export const OAuthConnectedSchema = z.object({ success: z.literal(true), integration: IntegrationSchema }).openapi("OAuthConnected");

export const SyncRequest = z
  .object({ force: z.boolean().default(false) })
  .strict()
  .openapi("SyncRequest");
export const SyncQueuedSchema = z
  .object({
    status: z.literal("queued"),
    job_run_id: z.uuid(),
    run_id: z.uuid(),
    estimated_duration: z.number().int().openapi({ description: "Seconds" }),
    stream_url: z.string(),
  })
  .openapi("SyncQueued");

export const RunStatusEnum = z.enum(["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]);
export const RunSchema = z
  .object({
    run_id: z.uuid(),
    integration_id: z.uuid(),
    status: RunStatusEnum,
    progress: z.number().int(),
    current_step: z.string().nullable(),
    records_synced: z.number().int(),
    pages_synced: z.number().int(),
    cursor: z.object({ entity: z.number().int(), page: z.string().nullable() }),
    error_message: z.string().nullable(),
    triggered_by_member_id: z.uuid().nullable(),
    started_at: nullableDate,
    completed_at: nullableDate,
    created_at: isoDate,
  })
  .openapi("IntegrationRun");

export const RunLogSchema = z
  .object({ timestamp: isoDate, level: z.enum(["info", "warning", "error"]), message: z.string(), run_id: z.uuid() })
  .openapi("IntegrationRunLog");
export const RunLogsSchema = z
  .object({ run_id: z.uuid(), logs: z.array(RunLogSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("IntegrationRunLogs");
export const RunLogsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi(q("limit", "1-1000, default 100")),
  offset: z.coerce.number().int().min(0).default(0).openapi(q("offset", "Default 0")),
});
export const IntegrationLogsSchema = z
  .object({ integration_id: z.uuid(), runs: z.array(RunSchema.extend({ logs: z.array(RunLogSchema) })) })
  .openapi("IntegrationLogs");
export const IntegrationLogsQuery = z.object({
  runs: z.coerce.number().int().min(1).max(50).default(5).openapi(q("runs", "How many recent runs (1-50, default 5)")),
});

export const SyncStatusSchema = z
  .object({
    integration_id: z.uuid(),
    status: z.string(),
    is_active: z.boolean(),
    last_sync_at: nullableDate,
    last_sync_status: z.string().nullable(),
    last_error: z.string().nullable(),
    next_sync_at: nullableDate.openapi({ description: "Syncs are manual: always null" }),
    current_run: RunSchema.nullable(),
    recent_runs: z.array(RunSchema),
    logs: z.array(RunLogSchema).openapi({ description: "The latest run's logs" }),
  })
  .openapi("IntegrationSyncStatus");

export const IntegrationInfoSchema = z
  .object({
    integration: IntegrationSchema,
    total_records: z.number().int(),
    tables: z.array(z.object({ entity: z.string(), table_name: z.string(), record_count: z.number().int(), last_synced_at: nullableDate })),
    recordsets: z.array(z.object({ id: z.uuid(), slug: z.string(), name: z.string(), staging_table: z.string() })),
  })
  .openapi("IntegrationInfo");

export const CreatedRecordsetsSchema = z
  .object({
    integration_id: z.uuid(),
    recordsets: z.array(
      z.object({ id: z.uuid(), slug: z.string(), name: z.string(), staging_table: z.string(), entity: z.string(), created: z.boolean() }),
    ),
  })
  .openapi("IntegrationRecordsets");

// ---- data retrieval ---------------------------------------------------------------------------

export const SupportedIntegrationsSchema = z.object({ integrations: z.array(z.string()) }).openapi("SupportedIntegrations");
export const EntityListSchema = z
  .object({
    integration_name: z.string(),
    entities: z.array(z.object({ name: z.string(), display_name: z.string(), table_name: z.string() })),
  })
  .openapi("EntityList");
export const ColumnSchema = z
  .object({ name: z.string(), type: z.string(), nullable: z.boolean(), primary_key: z.boolean() })
  .openapi("DataColumn");
export const DataPageSchema = z
  .object({
    integration_name: z.string(),
    entity_type: z.string(),
    columns: z.array(ColumnSchema),
    rows: z.array(z.record(z.string(), z.unknown())),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    has_more: z.boolean(),
  })
  .openapi("DataRetrievalResponse");
export const IntegrationNameParam = z.object({
  integration_name: z
    .string()
    .max(50)
    .openapi({ param: { name: "integration_name", in: "path" }, example: "shopify" }),
});
export const EntityParams = IntegrationNameParam.extend({
  entity_type: z
    .string()
    .max(100)
    .openapi({ param: { name: "entity_type", in: "path" }, example: "orders" }),
});
const dt = (name: string, what: string) =>
  z.iso
    .datetime({ offset: true })
    .optional()
    .openapi(q(name, `Rows ${what} (ISO 8601)`));
export const DataQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi(q("limit", "1-1000, default 100")),
  offset: z.coerce.number().int().min(0).default(0).openapi(q("offset", "Default 0")),
  created_after: dt("created_after", "first synced after (sys_created_at)"),
  created_before: dt("created_before", "first synced before (sys_created_at)"),
  updated_after: dt("updated_after", "last synced after (sys_updated_at)"),
  updated_before: dt("updated_before", "last synced before (sys_updated_at)"),
});
export type DataQuery = z.infer<typeof DataQuery>;
export const ApiKeyHeaderSchema = z.object({
  "x-api-key": z
    .string()
    .optional()
    .openapi({ param: { name: "x-api-key", in: "header" }, description: "atr_live_… / atr_test_…" }),
  "x-workspace-id": z
    .string()
    .optional()
    .openapi({ param: { name: "x-workspace-id", in: "header" }, description: "Optional with a key" }),
});

// ---- on-demand queries (allowlisted) ----------------------------------------------------------

export const SHOPIFY_QUERY_FIELDS = {
  orders: [
    "id",
    "name",
    "email",
    "created_at",
    "updated_at",
    "total_price",
    "subtotal_price",
    "currency",
    "financial_status",
    "fulfillment_status",
  ],
  customers: ["id", "email", "first_name", "last_name", "orders_count", "total_spent", "created_at", "updated_at", "state"],
  products: ["id", "title", "vendor", "product_type", "status", "handle", "created_at", "updated_at"],
} as const;
export const ShopifyQuery = z
  .object({
    entity: z.enum(["orders", "customers", "products"]),
    fields: z.array(z.string().max(50)).max(20).optional().openapi({ description: "Allowlisted per entity; default all of them" }),
    params: z
      .object({
        limit: z.number().int().min(1).max(250).optional(),
        status: z
          .string()
          .max(20)
          .optional()
          .openapi({ description: "orders: open, closed, cancelled, any; products: active, archived, draft" }),
        created_at_min: z.iso.datetime({ offset: true }).optional(),
        created_at_max: z.iso.datetime({ offset: true }).optional(),
        updated_at_min: z.iso.datetime({ offset: true }).optional(),
        updated_at_max: z.iso.datetime({ offset: true }).optional(),
        since_id: z
          .string()
          .regex(/^[0-9]{1,20}$/)
          .optional(),
        page_info: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,512}$/)
          .optional()
          .openapi({ description: "From next_page_info; only limit may go with it" }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi("ShopifyQuery");
export type ShopifyQuery = z.infer<typeof ShopifyQuery>;
export const ShopifyQueryResultSchema = z
  .object({
    entity: z.string(),
    rows: z.array(z.record(z.string(), z.unknown())),
    count: z.number().int(),
    next_page_info: z.string().nullable(),
  })
  .openapi("ShopifyQueryResult");

export const META_QUERY_FIELDS = {
  campaigns: [
    "id",
    "name",
    "status",
    "objective",
    "daily_budget",
    "lifetime_budget",
    "created_time",
    "updated_time",
    "start_time",
    "stop_time",
  ],
  adsets: ["id", "name", "status", "campaign_id", "daily_budget", "optimization_goal", "created_time", "updated_time"],
  ads: ["id", "name", "status", "adset_id", "campaign_id", "created_time", "updated_time"],
  insights: ["impressions", "clicks", "spend", "reach", "ctr", "cpc", "cpm", "date_start", "date_stop", "campaign_id", "campaign_name"],
} as const;
export const MetaAdsQuery = z
  .object({
    entity: z.enum(["campaigns", "adsets", "ads", "insights"]),
    fields: z.array(z.string().max(50)).max(20).optional().openapi({ description: "Allowlisted per entity; default all of them" }),
    params: z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        after: z
          .string()
          .regex(/^[A-Za-z0-9_=-]{1,512}$/)
          .optional(),
        date_preset: z.enum(["today", "yesterday", "last_7d", "last_14d", "last_30d", "this_month", "last_month"]).optional(),
        time_range: z.object({ since: z.iso.date(), until: z.iso.date() }).strict().optional(),
        level: z.enum(["account", "campaign", "adset", "ad"]).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi("MetaAdsQuery");
export type MetaAdsQuery = z.infer<typeof MetaAdsQuery>;
export const MetaQueryResultSchema = z
  .object({
    entity: z.string(),
    data: z.array(z.record(z.string(), z.unknown())),
    count: z.number().int(),
    paging: z.object({ after: z.string().nullable(), has_next: z.boolean() }),
  })
  .openapi("MetaAdsQueryResult");
