/**
 * The integrations that can be connected: how each one authorises (OAuth endpoints, PKCE,
 * scopes), which of them sync data, and the entities they sync into staging tables (the
 * `source` of integration_staging.staged_rows, read by integration-records and /api/v1/data).
 * URLs are the real hosts; providerUrl() (http.ts) sends them to a local fake in development.
 */

export interface EntityColumn {
  name: string;
  type: "VARCHAR" | "INTEGER" | "NUMERIC" | "BOOLEAN" | "TIMESTAMP";
  nullable: boolean;
  primary_key?: boolean;
}

export interface EntityDef {
  /** Name in /api/v1/data/{integration_name}/{entity_type}. */
  name: string;
  display_name: string;
  /** Staging table (staged_rows.source). */
  table_name: string;
  /** Columns kept from the provider's objects (the rest of an object is not stored). */
  columns: EntityColumn[];
}

export interface OAuthDef {
  /** {shop} is replaced by the shop's domain (Shopify). */
  authorizeUrl: string;
  tokenUrl: string;
  /** How the token endpoint takes its parameters. */
  tokenStyle: "form" | "json" | "query";
  revokeUrl: string | null;
  pkce: boolean;
  scopes: string[];
  scopeSeparator: string;
  /** Extra authorize parameters (offline access, consent, audience). */
  authorizeParams?: Record<string, string>;
  /** Environment variables holding the OAuth app's client id and secret. */
  clientIdVar: string;
  clientSecretVar: string;
}

export interface IntegrationDef {
  type: string;
  name: string;
  category: string;
  description: string;
  auth: "oauth";
  /** Also accepts a token pasted directly (POST /integrations with credentials). */
  acceptsAccessToken: boolean;
  oauth: OAuthDef;
  /** The data retrieval name (/api/v1/data/{integration_name}); only integrations that sync. */
  dataName?: string;
  entities: EntityDef[];
}

const col = (name: string, type: EntityColumn["type"] = "VARCHAR", nullable = true): EntityColumn => ({ name, type, nullable });
const id = (): EntityColumn => ({ name: "id", type: "VARCHAR", nullable: false, primary_key: true });

export const SHOPIFY_API_VERSION = "2024-07";
export const META_API_VERSION = "v19.0";

export const CATALOGUE: readonly IntegrationDef[] = [
  {
    type: "slack",
    name: "Slack",
    category: "communication",
    description: "Channels and people of a Slack workspace.",
    auth: "oauth",
    acceptsAccessToken: false,
    oauth: {
      authorizeUrl: "https://slack.com/oauth/v2/authorize",
      tokenUrl: "https://slack.com/api/oauth.v2.access",
      tokenStyle: "form",
      revokeUrl: "https://slack.com/api/auth.revoke",
      pkce: false,
      scopes: ["channels:read", "users:read"],
      scopeSeparator: ",",
      clientIdVar: "SLACK_CLIENT_ID",
      clientSecretVar: "SLACK_CLIENT_SECRET",
    },
    dataName: "slack",
    entities: [
      {
        name: "channels",
        display_name: "Channels",
        table_name: "slack_channels",
        columns: [id(), col("name"), col("is_private", "BOOLEAN"), col("num_members", "INTEGER"), col("created", "INTEGER")],
      },
      {
        name: "users",
        display_name: "Users",
        table_name: "slack_users",
        columns: [id(), col("name"), col("real_name"), col("is_bot", "BOOLEAN"), col("tz")],
      },
    ],
  },
  {
    type: "google_drive",
    name: "Google Drive",
    category: "files",
    description: "Files of a Google Drive.",
    auth: "oauth",
    acceptsAccessToken: false,
    oauth: {
      authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
      tokenUrl: "https://oauth2.googleapis.com/token",
      tokenStyle: "form",
      revokeUrl: "https://oauth2.googleapis.com/revoke",
      pkce: true,
      scopes: ["openid", "email", "https://www.googleapis.com/auth/drive.readonly"],
      scopeSeparator: " ",
      authorizeParams: { access_type: "offline", prompt: "consent", include_granted_scopes: "true" },
      clientIdVar: "GOOGLE_CLIENT_ID",
      clientSecretVar: "GOOGLE_CLIENT_SECRET",
    },
    entities: [],
  },
  {
    type: "google_ads",
    name: "Google Ads",
    category: "advertising",
    description: "Google Ads accounts.",
    auth: "oauth",
    acceptsAccessToken: false,
    oauth: {
      authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
      tokenUrl: "https://oauth2.googleapis.com/token",
      tokenStyle: "form",
      revokeUrl: "https://oauth2.googleapis.com/revoke",
      pkce: true,
      scopes: ["openid", "email", "https://www.googleapis.com/auth/adwords"],
      scopeSeparator: " ",
      authorizeParams: { access_type: "offline", prompt: "consent", include_granted_scopes: "true" },
      clientIdVar: "GOOGLE_CLIENT_ID",
      clientSecretVar: "GOOGLE_CLIENT_SECRET",
    },
    entities: [],
  },
  {
    type: "meta_ads",
    name: "Meta Ads",
    category: "advertising",
    description: "Campaigns and ads of a Meta (Facebook/Instagram) ad account.",
    auth: "oauth",
    acceptsAccessToken: true,
    oauth: {
      authorizeUrl: `https://www.facebook.com/${META_API_VERSION}/dialog/oauth`,
      tokenUrl: `https://graph.facebook.com/${META_API_VERSION}/oauth/access_token`,
      tokenStyle: "query",
      revokeUrl: `https://graph.facebook.com/${META_API_VERSION}/me/permissions`,
      pkce: false,
      scopes: ["ads_read"],
      scopeSeparator: ",",
      clientIdVar: "META_APP_ID",
      clientSecretVar: "META_APP_SECRET",
    },
    dataName: "meta",
    entities: [
      {
        name: "campaigns",
        display_name: "Campaigns",
        table_name: "meta_campaigns",
        columns: [id(), col("name"), col("status"), col("objective"), col("created_time", "TIMESTAMP"), col("updated_time", "TIMESTAMP")],
      },
      {
        name: "ads",
        display_name: "Ads",
        table_name: "meta_ads",
        columns: [id(), col("name"), col("status"), col("adset_id"), col("campaign_id"), col("created_time", "TIMESTAMP")],
      },
    ],
  },
  {
    type: "shopify",
    name: "Shopify",
    category: "ecommerce",
    description: "Orders, customers and products of a Shopify store.",
    auth: "oauth",
    acceptsAccessToken: true,
    oauth: {
      authorizeUrl: "https://{shop}/admin/oauth/authorize",
      tokenUrl: "https://{shop}/admin/oauth/access_token",
      tokenStyle: "json",
      revokeUrl: "https://{shop}/admin/api_permissions/current.json",
      pkce: false,
      scopes: ["read_orders", "read_customers", "read_products"],
      scopeSeparator: ",",
      clientIdVar: "SHOPIFY_CLIENT_ID",
      clientSecretVar: "SHOPIFY_CLIENT_SECRET",
    },
    dataName: "shopify",
    entities: [
      {
        name: "orders",
        display_name: "Orders",
        table_name: "shopify_orders",
        columns: [
          id(),
          col("name"),
          col("email"),
          col("total_price", "NUMERIC"),
          col("currency"),
          col("financial_status"),
          col("created_at", "TIMESTAMP"),
          col("updated_at", "TIMESTAMP"),
        ],
      },
      {
        name: "customers",
        display_name: "Customers",
        table_name: "shopify_customers",
        columns: [id(), col("email"), col("first_name"), col("last_name"), col("orders_count", "INTEGER"), col("created_at", "TIMESTAMP")],
      },
      {
        name: "products",
        display_name: "Products",
        table_name: "shopify_products",
        columns: [id(), col("title"), col("vendor"), col("product_type"), col("status"), col("created_at", "TIMESTAMP")],
      },
    ],
  },
  {
    type: "hubspot",
    name: "HubSpot",
    category: "crm",
    description: "A HubSpot portal.",
    auth: "oauth",
    acceptsAccessToken: false,
    oauth: {
      authorizeUrl: "https://app.hubspot.com/oauth/authorize",
      tokenUrl: "https://api.hubapi.com/oauth/v1/token",
      tokenStyle: "form",
      revokeUrl: "https://api.hubapi.com/oauth/v1/refresh-tokens/{refresh_token}",
      pkce: false,
      scopes: ["crm.objects.contacts.read"],
      scopeSeparator: " ",
      clientIdVar: "HUBSPOT_CLIENT_ID",
      clientSecretVar: "HUBSPOT_CLIENT_SECRET",
    },
    entities: [],
  },
  {
    type: "jira",
    name: "Jira",
    category: "project_management",
    description: "A Jira Cloud site.",
    auth: "oauth",
    acceptsAccessToken: false,
    oauth: {
      authorizeUrl: "https://auth.atlassian.com/authorize",
      tokenUrl: "https://auth.atlassian.com/oauth/token",
      tokenStyle: "json",
      // Atlassian has no token revocation endpoint: disconnecting forgets the tokens.
      revokeUrl: null,
      pkce: false,
      scopes: ["read:jira-work", "offline_access"],
      scopeSeparator: " ",
      authorizeParams: { audience: "api.atlassian.com", prompt: "consent" },
      clientIdVar: "ATLASSIAN_CLIENT_ID",
      clientSecretVar: "ATLASSIAN_CLIENT_SECRET",
    },
    entities: [],
  },
];

const BY_TYPE = new Map(CATALOGUE.map((d) => [d.type, d]));
const BY_DATA_NAME = new Map(CATALOGUE.filter((d) => d.dataName).map((d) => [d.dataName as string, d]));

export const INTEGRATION_TYPES = CATALOGUE.map((d) => d.type) as [string, ...string[]];
export const integrationDef = (type: string): IntegrationDef | undefined => BY_TYPE.get(type.replace(/-/g, "_"));
export const dataIntegration = (name: string): IntegrationDef | undefined => BY_DATA_NAME.get(name);
export const DATA_INTEGRATIONS = [...BY_DATA_NAME.keys()];
/** Whether a manual sync can run for this type (its entities have connectors). */
export const syncs = (d: IntegrationDef) => d.entities.length > 0;
