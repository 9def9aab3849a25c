import { and, asc, count, desc, eq, gte, isNotNull, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { invalidField, ServiceError } from "../../../platform/errors";
import { EVENT_TYPES, isEventType } from "../../../platform/events/catalogue";
import { isUuid } from "../../../platform/ids";
import { iso } from "../../../platform/openapi";
import { requirePermission } from "../../permissions/service";
import type { ListDeliveriesQuery, WebhookTestBody } from "../schemas";
import { webhookAttempts, webhookDeliveries } from "../tables";
import { callerMaySee } from "./audience";
import { payloadAudience, requeueDeliveries, sendTestDelivery } from "./delivery";
import { endpointRow } from "./endpoints";

type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type Status = "pending" | "delivering" | "succeeded" | "dead";

const toDelivery = (d: DeliveryRow) => ({
  id: d.id,
  webhook_id: d.endpointId,
  event_id: d.eventId,
  message_id: d.messageId,
  event_type: d.eventType,
  status: d.status as Status,
  attempts: d.attempts,
  next_attempt_at: iso(d.nextAttemptAt),
  last_status_code: d.lastStatusCode,
  last_error: d.lastError,
  delivered_at: iso(d.deliveredAt),
  created_at: d.createdAt.toISOString(),
});

async function managedEndpoint(ctx: ServiceContext, webhookId: string) {
  await requirePermission(ctx, "can_manage_webhooks");
  return endpointRow(ctx, webhookId);
}

/** A delivery of this endpoint; one of another endpoint is the same 404 as a missing one. */
async function deliveryOf(ctx: ServiceContext, webhookId: string, deliveryId: string): Promise<DeliveryRow> {
  if (!isUuid(deliveryId)) throw new ServiceError("not_found", "Delivery not found");
  const [d] = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, webhookId)));
  if (!d) throw new ServiceError("not_found", "Delivery not found");
  return d;
}

export async function testWebhook(ctx: ServiceContext, webhookId: string, input: WebhookTestBody) {
  const ep = await managedEndpoint(ctx, webhookId);
  if (!isEventType(input.event)) {
    throw invalidField(["body", "event"], `Unknown event type: ${input.event}. Valid: ${EVENT_TYPES.join(", ")}`, "unknown_event_type");
  }
  const data = input.payload ?? { message: "This is a test delivery from Atrium", webhook_id: ep.id };
  return sendTestDelivery(ctx, ep, input.event, data);
}

export async function listDeliveries(ctx: ServiceContext, webhookId: string, q: ListDeliveriesQuery) {
  const ep = await managedEndpoint(ctx, webhookId);
  const conds: SQL[] = [eq(webhookDeliveries.endpointId, ep.id)];
  if (q.status) conds.push(eq(webhookDeliveries.status, q.status));
  if (q.event_type) conds.push(eq(webhookDeliveries.eventType, q.event_type));
  if (q.since) conds.push(gte(webhookDeliveries.createdAt, new Date(q.since)));
  const where = and(...conds);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(webhookDeliveries)
      .where(where)
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .offset(q.skip)
      .limit(q.limit),
    ctx.db.select({ n: count() }).from(webhookDeliveries).where(where),
  ]);
  return { items: rows.map(toDelivery), total: total?.n ?? 0, skip: q.skip, limit: q.limit };
}

export async function getDelivery(ctx: ServiceContext, webhookId: string, deliveryId: string) {
  const ep = await managedEndpoint(ctx, webhookId);
  const d = await deliveryOf(ctx, ep.id, deliveryId);
  const attempts = await ctx.db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, d.id))
    .orderBy(asc(webhookAttempts.createdAt), asc(webhookAttempts.attempt));
  // The payload is shown only to whoever may see the event itself (another manager may not).
  const shown = !d.eventId || (await callerMaySee(ctx, payloadAudience(d)));
  return {
    ...toDelivery(d),
    payload: shown ? (JSON.parse(d.payload) as unknown) : null,
    attempt_log: attempts.map((a) => ({
      attempt: a.attempt,
      status_code: a.statusCode,
      success: a.success,
      latency_ms: a.latencyMs,
      response_excerpt: a.responseExcerpt,
      error: a.error,
      created_at: a.createdAt.toISOString(),
    })),
  };
}

/** Sends one delivery again from attempt 1, whatever its outcome was; not while an attempt is running. */
export async function redeliver(ctx: ServiceContext, webhookId: string, deliveryId: string) {
  const ep = await managedEndpoint(ctx, webhookId);
  if (!ep.isActive) throw new ServiceError("conflict", "The webhook is disabled; enable it before redelivering");
  const d = await deliveryOf(ctx, ep.id, deliveryId);
  if (d.status === "delivering") throw new ServiceError("conflict", "An attempt of this delivery is running");
  await requeueDeliveries(ctx, [d.id]);
  return toDelivery((await deliveryOf(ctx, ep.id, d.id)) as DeliveryRow);
}

/** Every dead event delivery of the endpoint since `since` (at most 1,000 a call; test sends are not re-sent). */
export async function redeliverFailed(ctx: ServiceContext, webhookId: string, since: string) {
  const ep = await managedEndpoint(ctx, webhookId);
  if (!ep.isActive) throw new ServiceError("conflict", "The webhook is disabled; enable it before redelivering");
  const rows = await ctx.db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, ep.id),
        eq(webhookDeliveries.status, "dead"),
        gte(webhookDeliveries.createdAt, new Date(since)),
        isNotNull(webhookDeliveries.eventId),
      ),
    )
    .orderBy(asc(webhookDeliveries.createdAt))
    .limit(1000);
  return {
    queued: await requeueDeliveries(
      ctx,
      rows.map((r) => r.id),
    ),
  };
}
