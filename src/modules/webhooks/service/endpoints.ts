import { and, count, desc, eq, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { assertOutboundUrl } from "../../../platform/outbound";
import { currentMember } from "../../members/service";
import { requirePermission } from "../../permissions/service";
import { checkEvents, type EndpointRow, newSecret, sealSecret, toWebhook } from "../internal";
import type { ListWebhooksQuery, WebhookCreate, WebhookUpdate } from "../schemas";
import { webhookEndpoints } from "../tables";

/**
 * Every webhook endpoint needs can_manage_webhooks (admins and owners by default): the URLs and
 * delivery logs show where workspace data goes, and a test send reaches out on the workspace's behalf.
 */
const manage = (ctx: ServiceContext) => requirePermission(ctx, "can_manage_webhooks");

/** An endpoint of this workspace; malformed and unknown ids are the same 404. */
export async function endpointRow(ctx: ServiceContext, id: string): Promise<EndpointRow> {
  if (!isUuid(id)) throw new ServiceError("not_found", "Webhook not found");
  const [row] = await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  if (!row) throw new ServiceError("not_found", "Webhook not found");
  return row;
}

export async function listWebhooks(ctx: ServiceContext, q: ListWebhooksQuery) {
  await manage(ctx);
  const where: SQL | undefined = q.is_active === undefined ? undefined : eq(webhookEndpoints.isActive, q.is_active);
  const rows = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(where)
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
    .offset(q.skip)
    .limit(q.limit);
  return Promise.all(rows.map((r) => toWebhook(ctx, r)));
}

export async function countWebhooks(ctx: ServiceContext, q: Pick<ListWebhooksQuery, "is_active">) {
  await manage(ctx);
  const where = q.is_active === undefined ? undefined : eq(webhookEndpoints.isActive, q.is_active);
  const [row] = await ctx.db.select({ n: count() }).from(webhookEndpoints).where(where);
  return { count: row?.n ?? 0 };
}

export async function getWebhook(ctx: ServiceContext, id: string) {
  await manage(ctx);
  return toWebhook(ctx, await endpointRow(ctx, id));
}

export async function createWebhook(ctx: ServiceContext, input: WebhookCreate) {
  await manage(ctx);
  assertOutboundUrl(input.url, ctx.env, ["body", "url"]);
  const events = checkEvents(input.events, ["body", "events"]);
  const me = await currentMember(ctx);
  const secret = newSecret();
  const [row] = await ctx.db
    .insert(webhookEndpoints)
    .values({
      url: input.url,
      events,
      description: input.description ?? null,
      isActive: input.is_active,
      secretEncrypted: await sealSecret(ctx, secret),
      createdByMemberId: me.id,
    })
    .returning();
  return toWebhook(ctx, row as EndpointRow, true);
}

export async function updateWebhook(ctx: ServiceContext, id: string, input: WebhookUpdate) {
  await manage(ctx);
  const current = await endpointRow(ctx, id);
  const set: Partial<typeof webhookEndpoints.$inferInsert> = {};
  if (input.url !== undefined) {
    assertOutboundUrl(input.url, ctx.env, ["body", "url"]);
    set.url = input.url;
  }
  if (input.events !== undefined) set.events = checkEvents(input.events, ["body", "events"]);
  if (input.description !== undefined) set.description = input.description;
  if (input.is_active !== undefined) Object.assign(set, activeChange(input.is_active));
  if (Object.keys(set).length === 0) return toWebhook(ctx, current);
  // Whoever points an endpoint somewhere or changes what it hears becomes whom it acts as: another
  // manager cannot redirect someone's endpoint to receive what only that person may see.
  if (set.url !== undefined || set.events !== undefined) set.createdByMemberId = (await currentMember(ctx)).id;
  const [row] = await ctx.db.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, current.id)).returning();
  if (!row) throw new ServiceError("not_found", "Webhook not found");
  return toWebhook(ctx, row);
}

/** Re-enabling starts a fresh failure clock: the endpoint gets its 5 days again. */
const activeChange = (active: boolean) =>
  active ? { isActive: true, failingSince: null, disabledReason: null } : { isActive: false, disabledReason: null };

export async function toggleWebhook(ctx: ServiceContext, id: string) {
  await manage(ctx);
  const current = await endpointRow(ctx, id);
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set(activeChange(!current.isActive))
    .where(and(eq(webhookEndpoints.id, current.id), eq(webhookEndpoints.isActive, current.isActive)))
    .returning();
  if (!row) throw new ServiceError("conflict", "The webhook changed at the same time; try again");
  return toWebhook(ctx, row);
}

/**
 * A new secret, shown once. The old one keeps signing (a second signature in the same header)
 * for `overlapSeconds`, so receivers can roll their configuration without dropping deliveries.
 */
export async function regenerateWebhookSecret(ctx: ServiceContext, id: string, overlapSeconds: number) {
  await manage(ctx);
  const current = await endpointRow(ctx, id);
  const secret = newSecret();
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set({
      secretEncrypted: await sealSecret(ctx, secret),
      previousSecretEncrypted: overlapSeconds > 0 ? current.secretEncrypted : null,
      previousSecretExpiresAt: overlapSeconds > 0 ? new Date(Date.now() + overlapSeconds * 1000) : null,
    })
    .where(eq(webhookEndpoints.id, current.id))
    .returning();
  if (!row) throw new ServiceError("not_found", "Webhook not found");
  return toWebhook(ctx, row, true);
}

export async function deleteWebhook(ctx: ServiceContext, id: string) {
  await manage(ctx);
  const current = await endpointRow(ctx, id);
  await ctx.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, current.id));
}
