import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { Bindings } from "../../../env";
import type { ServiceContext } from "../../../platform/context";
import type { Db } from "../../../platform/db";
import { enqueueEmail } from "../../../platform/email/outbox";
import { audienceOf } from "../../../platform/events/catalogue";
import type { EventsPublishedMessage } from "../../../platform/events/outbox";
import { eventSubscribers, type PublishedEvent } from "../../../platform/events/subscribers";
import { outboxEvents } from "../../../platform/events/tables";
import { users, workspaceMembers } from "../../../platform/identity/tables";
import { type OutboundResult, outboundFetch } from "../../../platform/outbound";
import { bindSystemWorkspace } from "../../../platform/tenancy/resolve";
import { DELIVER_MESSAGE, type DeliverMessage, type EndpointRow, openSecret } from "../internal";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../tables";
import { AudienceCheck } from "./audience";

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/**
 * Svix's schedule: the first attempt at once, then each retry this long after the previous
 * failure. Eight attempts over about 33 hours; every delay fits a queue's 12 h `delaySeconds`.
 */
export const RETRY_DELAYS_SECONDS = [0, 5, 300, 1_800, 7_200, 18_000, 36_000, 36_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length;
export const TIMEOUT_MS = 15_000;
/** A run of failures this long (with no success) disables the endpoint. */
export const DISABLE_AFTER_MS = 5 * 86_400_000;
/** A claimed attempt not finished within this lease belongs to a consumer that died. */
const LEASE_SECONDS = 60;

/** Delay before attempt `next` (2…8), ±10 % jitter so retries of one outage do not arrive in a burst. */
export function retryDelaySeconds(next: number, random = Math.random()): number {
  const base = RETRY_DELAYS_SECONDS[next - 1] ?? 0;
  return Math.max(0, Math.round(base * (0.9 + 0.2 * random)));
}

/** The body every attempt of a delivery sends: Standard Webhooks' `type`/`timestamp`/`data`, plus ids. */
export function envelope(e: { id: string; type: string; occurredAt: Date; data: unknown }, workspaceId: string): string {
  return JSON.stringify({ id: e.id, type: e.type, timestamp: e.occurredAt.toISOString(), workspace_id: workspaceId, data: e.data });
}

/**
 * Standard Webhooks headers. During a rotation's overlap the old secret signs too: receivers
 * verifying either secret accept the message (the header lists space-separated signatures).
 */
export async function signHeaders(ctx: ServiceContext, endpoint: EndpointRow, messageId: string, body: string, now = new Date()) {
  const secrets = [await openSecret(ctx, endpoint.secretEncrypted)];
  if (endpoint.previousSecretEncrypted && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now) {
    secrets.push(await openSecret(ctx, endpoint.previousSecretEncrypted));
  }
  return {
    "content-type": "application/json",
    "user-agent": "Atrium-Webhooks/1.0",
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": secrets.map((s) => new Webhook(s).sign(messageId, now, body)).join(" "),
  };
}

const deliverMessage = (workspaceId: string, deliveryId: string, attempt: number, requestId: string): DeliverMessage => ({
  type: DELIVER_MESSAGE,
  workspace_id: workspaceId,
  delivery_id: deliveryId,
  attempt,
  request_id: requestId,
});

/** Sends attempt messages, 100 to a batch (the queue's limit). */
async function queueAttempts(env: Bindings, msgs: { body: DeliverMessage; delaySeconds?: number }[]) {
  for (let i = 0; i < msgs.length; i += 100) await env.WEBHOOKS_QUEUE.sendBatch(msgs.slice(i, i + 100));
}

/**
 * Consumer of published events: one delivery per (event, subscribed active endpoint whose creator
 * may see what the event shows). The unique key makes a re-published event add nothing; only
 * deliveries this call created are queued.
 */
export async function fanOutEvents(ctx: ServiceContext, msg: Pick<EventsPublishedMessage, "workspace_id" | "event_ids">): Promise<void> {
  if (!(await bindSystemWorkspace(ctx, msg.workspace_id))) return;
  const ids = msg.event_ids.slice(0, 1000);
  if (ids.length === 0) return;
  const [events, endpoints] = await Promise.all([
    ctx.db.select().from(outboxEvents).where(inArray(outboxEvents.id, ids)).orderBy(outboxEvents.id),
    ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.isActive, true)),
  ]);
  const rows: (typeof webhookDeliveries.$inferInsert)[] = [];
  const audience = new AudienceCheck(ctx, msg.workspace_id);
  for (const e of events) {
    const body = envelope(e, msg.workspace_id);
    const shows = audienceOf(e.type, e.data);
    for (const ep of endpoints) {
      if (!ep.events.includes("*") && !ep.events.includes(e.type)) continue;
      if (!(await audience.allows(ep, shows))) continue;
      rows.push({ endpointId: ep.id, eventId: e.id, messageId: e.id, eventType: e.type, payload: body, nextAttemptAt: new Date() });
    }
  }
  const created: { id: string }[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    created.push(
      ...(await ctx.db
        .insert(webhookDeliveries)
        .values(rows.slice(i, i + 500))
        .onConflictDoNothing({ target: [webhookDeliveries.eventId, webhookDeliveries.endpointId] })
        .returning({ id: webhookDeliveries.id })),
    );
  }
  await queueAttempts(
    ctx.env,
    created.map((d) => ({ body: deliverMessage(msg.workspace_id, d.id, 1, ctx.requestId) })),
  );
  const mayReach = (memberId: string | null, e: PublishedEvent) =>
    audience.allows({ createdByMemberId: memberId }, audienceOf(e.type, e.data));
  for (const subscriber of eventSubscribers) await subscriber(ctx, events, mayReach);
  await ctx.db
    .update(outboxEvents)
    .set({ fannedOutAt: sql`now()` })
    .where(and(inArray(outboxEvents.id, ids), isNull(outboxEvents.fannedOutAt)));
}

/**
 * Consumer of one attempt. The attempt is claimed with a conditional update (status pending and
 * exactly `attempt - 1` attempts made), so a duplicate or stale message sends nothing. Success
 * is 2xx only; a failure schedules the next attempt with the queue's delay, and the last one
 * leaves the delivery dead (listed, redeliverable), never dropped.
 */
export async function runDeliveryAttempt(
  ctx: ServiceContext,
  msg: Pick<DeliverMessage, "workspace_id" | "delivery_id" | "attempt">,
): Promise<void> {
  if (!(await bindSystemWorkspace(ctx, msg.workspace_id))) return;
  const [claimed] = await ctx.db
    .update(webhookDeliveries)
    .set({
      status: "delivering",
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
    })
    .where(
      and(
        eq(webhookDeliveries.id, msg.delivery_id),
        eq(webhookDeliveries.status, "pending"),
        eq(webhookDeliveries.attempts, msg.attempt - 1),
      ),
    )
    .returning();
  if (!claimed) return;
  const [endpoint] = await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, claimed.endpointId));
  if (!endpoint?.isActive) {
    await ctx.db
      .update(webhookDeliveries)
      .set({ status: "dead", leaseUntil: null, nextAttemptAt: null, lastError: "endpoint disabled" })
      .where(eq(webhookDeliveries.id, claimed.id));
    return;
  }
  // Checked again at every attempt: a retry or a redelivery goes out only while the endpoint's
  // creator (who may have changed: whoever last pointed it somewhere) may still see the event.
  if (claimed.eventId && !(await new AudienceCheck(ctx, msg.workspace_id).allows(endpoint, payloadAudience(claimed)))) {
    await ctx.db
      .update(webhookDeliveries)
      .set({ status: "dead", leaseUntil: null, nextAttemptAt: null, lastError: "the endpoint's owner may not see this event" })
      .where(eq(webhookDeliveries.id, claimed.id));
    return;
  }
  const result = await attempt(ctx, endpoint, claimed);
  await settle(ctx, endpoint, claimed, result, msg.workspace_id);
}

/** What a stored delivery's event shows (its payload is the envelope with `data`). */
export function payloadAudience(d: Pick<DeliveryRow, "eventType" | "payload">) {
  return audienceOf(d.eventType, (JSON.parse(d.payload) as { data: unknown }).data);
}

/** One HTTP attempt, logged. */
async function attempt(ctx: ServiceContext, endpoint: EndpointRow, d: DeliveryRow): Promise<OutboundResult> {
  const headers = await signHeaders(ctx, endpoint, d.messageId, d.payload);
  const result = await outboundFetch(ctx.env, endpoint.url, { method: "POST", headers, body: d.payload, timeoutMs: TIMEOUT_MS });
  await ctx.db.insert(webhookAttempts).values({
    deliveryId: d.id,
    attempt: d.attempts,
    statusCode: result.status || null,
    success: result.ok,
    latencyMs: result.latencyMs,
    responseExcerpt: result.excerpt || null,
    error: result.error ?? (result.ok ? null : `HTTP ${result.status}`),
    requestHeaders: { "webhook-id": headers["webhook-id"], "webhook-timestamp": headers["webhook-timestamp"] },
  });
  return result;
}

/**
 * Records the outcome on the delivery and the endpoint; schedules the retry or disables. Only the
 * claim that made the attempt settles it: if its lease ran out and the sweep handed the delivery
 * to another attempt, this outcome is logged (in attempts) but changes nothing. A test send
 * (`test`) is never retried and does not move the endpoint's failure clock.
 */
async function settle(ctx: ServiceContext, endpoint: EndpointRow, d: DeliveryRow, r: OutboundResult, workspaceId: string, test = false) {
  const now = new Date();
  const error = r.ok ? null : (r.error ?? `HTTP ${r.status}`);
  const mine = and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.status, "delivering"), eq(webhookDeliveries.attempts, d.attempts));
  if (r.ok) {
    const [done] = await ctx.db
      .update(webhookDeliveries)
      .set({ status: "succeeded", deliveredAt: now, leaseUntil: null, nextAttemptAt: null, lastStatusCode: r.status, lastError: null })
      .where(mine)
      .returning({ id: webhookDeliveries.id });
    if (done && !test) {
      await ctx.db.update(webhookEndpoints).set({ lastSuccessAt: now, failingSince: null }).where(eq(webhookEndpoints.id, endpoint.id));
    }
    return;
  }
  const next = d.attempts + 1;
  const more = !test && next <= MAX_ATTEMPTS;
  const delay = more ? retryDelaySeconds(next) : 0;
  const [failed] = await ctx.db
    .update(webhookDeliveries)
    .set({
      status: more ? "pending" : "dead",
      leaseUntil: null,
      nextAttemptAt: more ? new Date(now.getTime() + delay * 1000) : null,
      lastStatusCode: r.status || null,
      lastError: error,
    })
    .where(mine)
    .returning({ id: webhookDeliveries.id });
  if (!failed || test) return;
  const [ep] = await ctx.db
    .update(webhookEndpoints)
    .set({ lastFailureAt: now, failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now})` })
    .where(eq(webhookEndpoints.id, endpoint.id))
    .returning();
  if (more) await queueAttempts(ctx.env, [{ body: deliverMessage(workspaceId, d.id, next, ctx.requestId), delaySeconds: delay }]);
  if (ep?.isActive && ep.failingSince && now.getTime() - ep.failingSince.getTime() >= DISABLE_AFTER_MS) {
    await disableFailingEndpoint(ctx, ep, workspaceId);
  }
}

/** After 5 days of continuous failure: off, with the reason, and an email to the workspace's admins. */
async function disableFailingEndpoint(ctx: ServiceContext, ep: EndpointRow, workspaceId: string) {
  const reason = `Disabled automatically: every delivery failed since ${ep.failingSince?.toISOString()}`;
  const [off] = await ctx.db
    .update(webhookEndpoints)
    .set({ isActive: false, disabledReason: reason })
    .where(and(eq(webhookEndpoints.id, ep.id), eq(webhookEndpoints.isActive, true)))
    .returning({ id: webhookEndpoints.id });
  if (!off) return;
  const admins = await ctx.control
    .select({ email: users.email })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(
      and(
        eq(workspaceMembers.workspaceId, workspaceId),
        inArray(workspaceMembers.role, ["owner", "admin"]),
        eq(workspaceMembers.status, "active"),
      ),
    );
  for (const a of admins) {
    await enqueueEmail(ctx.control, {
      to: a.email,
      subject: "A webhook endpoint was disabled",
      text: `${reason}.\n\nEndpoint: ${ep.url}\nRe-enable it with POST /api/v1/webhooks/${ep.id}/toggle once the receiver works; failed deliveries can be re-sent with POST /api/v1/webhooks/${ep.id}/redeliver-failed.`,
      template: "webhook_disabled",
      data: { workspace_id: workspaceId, webhook_id: ep.id, url: ep.url },
    });
  }
}

/**
 * The test endpoint: one signed attempt now, answered in the response, logged as a delivery
 * (never retried). Its message id is new, so receivers do not deduplicate it against real events.
 */
export async function sendTestDelivery(ctx: ServiceContext, endpoint: EndpointRow, type: string, data: Record<string, unknown>) {
  const id = crypto.randomUUID();
  const body = envelope({ id, type, occurredAt: new Date(), data }, ctx.workspace?.id ?? "");
  const [d] = await ctx.db
    .insert(webhookDeliveries)
    .values({
      endpointId: endpoint.id,
      messageId: `test_${id}`,
      eventType: type,
      payload: body,
      status: "delivering",
      attempts: 1,
      // If this invocation dies mid-send, the sweep finds the lapsed lease and ends it dead.
      leaseUntil: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
    })
    .returning();
  const row = d as DeliveryRow;
  const r = await attempt(ctx, endpoint, row);
  await settle(ctx, endpoint, row, r, ctx.workspace?.id ?? "", true);
  return {
    success: r.ok,
    status_code: r.status,
    message: r.ok ? "Delivered" : (r.error ?? `The endpoint answered HTTP ${r.status}`),
    delivery_id: row.id,
    latency_ms: r.latencyMs,
  };
}

/** Puts deliveries back at attempt 1 (same message id, so receivers can deduplicate) and queues them. */
export async function requeueDeliveries(ctx: ServiceContext, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await ctx.db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: new Date(), leaseUntil: null })
    .where(and(inArray(webhookDeliveries.id, ids), sql`${webhookDeliveries.status} <> 'delivering'`))
    .returning({ id: webhookDeliveries.id });
  const workspaceId = ctx.workspace?.id as string;
  await queueAttempts(
    ctx.env,
    rows.map((r) => ({ body: deliverMessage(workspaceId, r.id, 1, ctx.requestId) })),
  );
  return rows.length;
}

/**
 * Cron, per workspace: deliveries whose message was lost (pending two minutes past due) or whose
 * consumer died (lease expired) are queued again; an expired lease counts as a used attempt. A
 * test send whose request died is ended dead (test sends are never retried).
 */
export async function recoverDeliveries(db: Db, env: Bindings, workspaceId: string): Promise<number> {
  const expired = await db
    .update(webhookDeliveries)
    .set({
      status: sql`case when ${webhookDeliveries.attempts} >= ${MAX_ATTEMPTS} or ${webhookDeliveries.eventId} is null then 'dead' else 'pending' end`,
      leaseUntil: null,
      nextAttemptAt: sql`case when ${webhookDeliveries.attempts} >= ${MAX_ATTEMPTS} or ${webhookDeliveries.eventId} is null then null else now() end`,
      lastError: sql`coalesce(${webhookDeliveries.lastError}, 'the attempt did not finish')`,
    })
    .where(and(eq(webhookDeliveries.status, "delivering"), sql`${webhookDeliveries.leaseUntil} < now()`))
    .returning({ id: webhookDeliveries.id, status: webhookDeliveries.status, attempts: webhookDeliveries.attempts });
  const overdue = await db
    .select({ id: webhookDeliveries.id, attempts: webhookDeliveries.attempts })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.status, "pending"), sql`${webhookDeliveries.nextAttemptAt} < now() - interval '2 minutes'`))
    .limit(1000);
  const todo = [...expired.filter((r) => r.status === "pending"), ...overdue];
  const requestId = crypto.randomUUID();
  await queueAttempts(
    env,
    todo.map((r) => ({ body: deliverMessage(workspaceId, r.id, r.attempts + 1, requestId) })),
  );
  return todo.length;
}
