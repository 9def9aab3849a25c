import { and, count, eq, inArray, max, sql } from "drizzle-orm";
import { requireFeature } from "../../../platform/billing/limits";
import type { ServiceContext } from "../../../platform/context";
import { isUniqueViolation } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { iso } from "../../../platform/openapi";
import { recordActivity } from "../../activity/service";
import { stagedRows } from "../../integration-records/tables";
import { currentMember } from "../../members/service/records";
import { recordsets } from "../../recordsets/tables";
import { CATALOGUE, integrationDef } from "../catalogue";
import {
  decryptedTokens,
  defOf,
  encryptedTokens,
  getIntegrationByType,
  getIntegrationOrThrow,
  integrationRef,
  toIntegrationJson,
} from "../internal";
import { accountInfo, clientCredentials, revokeAtProvider, shopDomain, storedShopDomain } from "../oauth";
import type { IntegrationCreate, IntegrationUpdate, ListIntegrationsQuery } from "../schemas";
import { integrationRuns, integrations } from "../tables";
import { requireManage, requireView } from "./access";
import { publishRun } from "./runs";

export async function listIntegrations(ctx: ServiceContext, q: ListIntegrationsQuery) {
  await requireView(ctx);
  const where = [];
  if (q.type) where.push(eq(integrations.type, q.type.replace(/-/g, "_")));
  if (q.status) where.push(eq(integrations.status, q.status));
  if (q.is_active) where.push(eq(integrations.isActive, q.is_active === "true"));
  const rows = await ctx.db
    .select()
    .from(integrations)
    .where(where.length ? and(...where) : undefined)
    .orderBy(integrations.createdAt);
  return rows.map(toIntegrationJson);
}

export async function listAvailable(ctx: ServiceContext) {
  await requireView(ctx);
  const rows = await ctx.db.select().from(integrations);
  const byType = new Map(rows.map((r) => [r.type, r]));
  return CATALOGUE.map((d) => {
    const r = byType.get(d.type);
    let configured = true;
    try {
      clientCredentials(ctx.env, d);
    } catch {
      configured = false;
    }
    return {
      type: d.type,
      name: d.name,
      category: d.category,
      description: d.description,
      auth_type: d.auth,
      supports_pkce: d.oauth.pkce,
      accepts_access_token: d.acceptsAccessToken,
      supports_sync: d.entities.length > 0,
      data_name: d.dataName ?? null,
      entities: d.entities.map((e) => ({ name: e.name, display_name: e.display_name, table_name: e.table_name })),
      configured,
      connected: r !== undefined,
      integration_id: r?.id ?? null,
      status: r?.status ?? null,
    };
  });
}

const SYNC_PROVIDERS = {
  fivetran: { vars: ["FIVETRAN_API_KEY", "FIVETRAN_API_SECRET"], description: "Use Fivetran Connect Card" },
  airbyte: { vars: ["AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET"], description: "Use Airbyte Embedded Widget" },
  none: { vars: [], description: "No OAuth data sync provider: integrations connect with their own OAuth apps and sync here" },
} as const;

/** DATA_SYNC_PROVIDER (deployment setting) and whether its credentials are present. */
export async function dataSyncProvider(ctx: ServiceContext) {
  await requireView(ctx);
  const raw = ctx.env.DATA_SYNC_PROVIDER ?? "none";
  const provider: keyof typeof SYNC_PROVIDERS = raw === "fivetran" || raw === "airbyte" ? raw : "none";
  const vars = ctx.env as unknown as Record<string, string | undefined>;
  const missing = SYNC_PROVIDERS[provider].vars.filter((v) => !vars[v]);
  return { provider, configured: missing.length === 0, missing, description: SYNC_PROVIDERS[provider].description };
}

export async function getIntegration(ctx: ServiceContext, id: string) {
  await requireView(ctx);
  return toIntegrationJson(await getIntegrationOrThrow(ctx, id));
}

/** Record counts per staging table of the integration, and the recordsets over them. */
export async function integrationInfo(ctx: ServiceContext, id: string) {
  await requireView(ctx);
  const row = await getIntegrationOrThrow(ctx, id);
  const d = defOf(row);
  const tables = d.entities.map((e) => e.table_name);
  const counts = tables.length
    ? await ctx.db
        .select({ source: stagedRows.source, n: count(), last: max(stagedRows.syncedAt) })
        .from(stagedRows)
        .where(inArray(stagedRows.source, tables))
        .groupBy(stagedRows.source)
    : [];
  const bySource = new Map(counts.map((c) => [c.source, c]));
  const rs = tables.length
    ? await ctx.db
        .select({ id: recordsets.id, slug: recordsets.slug, name: recordsets.name, stagingTable: recordsets.stagingTable })
        .from(recordsets)
        .where(and(eq(recordsets.isIntegration, true), inArray(recordsets.stagingTable, tables), sql`${recordsets.deletedAt} is null`))
    : [];
  const perTable = d.entities.map((e) => {
    const c = bySource.get(e.table_name);
    return { entity: e.name, table_name: e.table_name, record_count: c?.n ?? 0, last_synced_at: iso(c?.last ?? null) };
  });
  return {
    integration: toIntegrationJson(row),
    total_records: perTable.reduce((s, t) => s + t.record_count, 0),
    tables: perTable,
    recordsets: rs.map((r) => ({ id: r.id, slug: r.slug, name: r.name, staging_table: r.stagingTable as string })),
  };
}

/**
 * Connects an integration with a token given directly (Shopify custom-app token, Meta system-user
 * token): the token is checked at the provider (account info) before anything is stored.
 * OAuth-only integrations go through /integrations/oauth/{type}/initiate.
 */
export async function createIntegration(ctx: ServiceContext, input: IntegrationCreate) {
  await requireManage(ctx);
  await requireFeature(ctx, "integrations");
  const d = integrationDef(input.type);
  if (!d) {
    throw new ServiceError("validation_error", `Unknown integration type ${input.type}`, {
      issues: [{ loc: ["body", "type"], msg: `Use one of: ${CATALOGUE.map((c) => c.type).join(", ")}`, type: "enum" }],
    });
  }
  if (!d.acceptsAccessToken) {
    throw new ServiceError("validation_error", `${d.name} connects with OAuth: GET /api/v1/integrations/oauth/${d.type}/initiate`, {
      issues: [{ loc: ["body", "credentials"], msg: "OAuth only", type: "value_error" }],
    });
  }
  const shop = d.type === "shopify" ? shopDomain(input.credentials.shop_domain) : null;
  const duplicate = () => new ServiceError("conflict", `${d.name} is already connected in this workspace; disconnect it first`);
  if (await getIntegrationByType(ctx, d.type)) throw duplicate();
  const tokens = { accessToken: input.credentials.access_token, refreshToken: null, expiresAt: null, scopes: null, account: null };
  const account = await accountInfo(ctx.env, d, tokens, shop);
  const me = await currentMember(ctx);
  try {
    const sealed = await encryptedTokens(ctx, tokens);
    const row = await ctx.db.transaction(async (tx) => {
      const [r] = await tx
        .insert(integrations)
        .values({
          type: d.type,
          name: input.name ?? `${d.name} (${account.name})`,
          authType: "api_key",
          accountId: account.id,
          accountName: account.name,
          settings: { ...account.settings, ...(input.settings ?? {}) },
          ...sealed,
          createdByMemberId: me.id,
        })
        .returning();
      if (!r) throw new ServiceError("internal_error", "Integration was not created");
      await emitEvent(ctx, tx, "integration.connected", {
        integration: integrationRef(r),
        account_name: r.accountName,
        reconnected: false,
        actor_member_id: me.id,
      });
      return r;
    });
    await recordActivity(ctx, {
      type: "integration.connected",
      subjectType: "integration",
      subjectId: row.id,
      summary: `Connected ${d.name}`,
      data: { integration_id: row.id, type: d.type },
    });
    return toIntegrationJson(row);
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicate();
    throw e;
  }
}

export async function updateIntegration(ctx: ServiceContext, id: string, input: IntegrationUpdate) {
  await requireManage(ctx);
  const row = await getIntegrationOrThrow(ctx, id);
  const [updated] = await ctx.db
    .update(integrations)
    .set({
      ...(input.name ? { name: input.name } : {}),
      ...(input.settings ? { settings: { ...row.settings, ...input.settings } } : {}),
    })
    .where(eq(integrations.id, row.id))
    .returning();
  if (!updated) throw new ServiceError("not_found", "Integration not found");
  return toIntegrationJson(updated);
}

export async function toggleIntegration(ctx: ServiceContext, id: string) {
  await requireManage(ctx);
  const row = await getIntegrationOrThrow(ctx, id);
  const [updated] = await ctx.db
    .update(integrations)
    .set({ isActive: sql`not ${integrations.isActive}` })
    .where(eq(integrations.id, row.id))
    .returning();
  if (!updated) throw new ServiceError("not_found", "Integration not found");
  await recordActivity(ctx, {
    type: updated.isActive ? "integration.enabled" : "integration.disabled",
    subjectType: "integration",
    subjectId: row.id,
    summary: `${updated.isActive ? "Enabled" : "Disabled"} ${defOf(row).name}`,
    data: { integration_id: row.id },
  });
  return toIntegrationJson(updated);
}

const CANCELLED = "Cancelled: the integration was disconnected";

/**
 * Revokes the grant at the provider (best effort: an unreachable provider is reported, the
 * tokens are deleted anyway), then deletes the integration, its runs, its staged rows and the
 * virtual recordsets over them.
 */
export async function disconnectIntegration(ctx: ServiceContext, id: string) {
  await requireManage(ctx);
  const row = await getIntegrationOrThrow(ctx, id);
  const d = defOf(row);
  let revocation: { revoked: boolean; detail: string };
  try {
    const t = await decryptedTokens(ctx, row);
    const shop = d.type === "shopify" ? storedShopDomain(row.settings.shop_domain) : null;
    revocation = await revokeAtProvider(ctx.env, d, { ...t, shop });
  } catch (e) {
    revocation = {
      revoked: false,
      detail: `${d.name} could not be reached to revoke (${e instanceof Error ? e.message : String(e)}); the tokens were deleted`,
    };
  }
  const tables = d.entities.map((e) => e.table_name);
  const me = await currentMember(ctx);
  const { rsDeleted, rowsDeleted, cancelled } = await ctx.db.transaction(async (tx) => {
    // First cancel the open run: this waits for a consumer's page transaction in flight, and its
    // compare-and-set then fails, so no rows are written after the deletes below.
    const cancelled = await tx
      .update(integrationRuns)
      .set({ status: "CANCELLED", currentStep: "Cancelled", errorMessage: CANCELLED, completedAt: new Date(), leaseUntil: null })
      .where(and(eq(integrationRuns.integrationId, row.id), inArray(integrationRuns.status, ["PENDING", "RUNNING"])))
      .returning();
    const rs = tables.length
      ? await tx
          .delete(recordsets)
          .where(and(eq(recordsets.isIntegration, true), inArray(recordsets.stagingTable, tables)))
          .returning({ id: recordsets.id })
      : [];
    const rows = tables.length
      ? await tx.delete(stagedRows).where(inArray(stagedRows.source, tables)).returning({ id: stagedRows.id })
      : [];
    await tx.delete(integrations).where(eq(integrations.id, row.id));
    await emitEvent(ctx, tx, "integration.disconnected", {
      integration: integrationRef(row),
      revoked: revocation.revoked,
      actor_member_id: me.id,
    });
    return { rsDeleted: rs.length, rowsDeleted: rows.length, cancelled };
  });
  for (const r of cancelled) await publishRun(ctx, r).catch(() => {});
  await recordActivity(ctx, {
    type: "integration.disconnected",
    subjectType: "integration",
    subjectId: row.id,
    summary: `Disconnected ${d.name}`,
    data: { integration_id: row.id, type: d.type, revoked: revocation.revoked },
  });
  return {
    status: "disconnected" as const,
    integration_id: row.id,
    type: row.type,
    revoked: revocation.revoked,
    revocation_detail: revocation.detail,
    recordsets_deleted: rsDeleted,
    staged_rows_deleted: rowsDeleted,
  };
}
