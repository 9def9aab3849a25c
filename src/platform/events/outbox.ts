import { and, inArray, isNull, sql } from "drizzle-orm";
import type { Bindings } from "../../env";
import { runAfterResponse, type ServiceContext } from "../context";
import type { Db, Tx } from "../db";
import { EVENT_CATALOGUE, type EventData, type EventType } from "./catalogue";
import { outboxEvents } from "./tables";

/** Queue message: committed outbox rows of one workspace, for the consumers of events (webhooks). */
export const EVENTS_PUBLISHED = "events.published";
export interface EventsPublishedMessage {
  type: typeof EVENTS_PUBLISHED;
  workspace_id: string;
  event_ids: string[];
  request_id?: string;
  [key: string]: unknown;
}

const PUBLISH_BATCH = 100;
/** Contexts whose transactions wrote events; flushed once their invocation ends. */
const pending = new WeakSet<ServiceContext>();

/**
 * Records a domain event in the caller's transaction: it exists if and only if the change commits.
 * The data is checked against the catalogue, so a payload never drifts from its published schema.
 */
export async function emitEvent<T extends EventType>(ctx: ServiceContext, tx: Tx, type: T, data: EventData<T>): Promise<string> {
  const parsed = EVENT_CATALOGUE[type].data.parse(data) as Record<string, unknown>;
  const [row] = await tx.insert(outboxEvents).values({ type, data: parsed }).returning({ id: outboxEvents.id });
  pending.add(ctx);
  return (row as { id: string }).id;
}

/** Many events of one type in one insert (bulk changes), in the caller's transaction. */
export async function emitEvents<T extends EventType>(ctx: ServiceContext, tx: Tx, type: T, list: EventData<T>[]): Promise<void> {
  if (list.length === 0) return;
  const schema = EVENT_CATALOGUE[type].data;
  for (let i = 0; i < list.length; i += 1000) {
    const rows = list.slice(i, i + 1000).map((d) => ({ type, data: schema.parse(d) as Record<string, unknown> }));
    await tx.insert(outboxEvents).values(rows);
  }
  pending.add(ctx);
}

/**
 * Called when an invocation ends (request, queue message): if it wrote events, publishes them
 * after the response on a context of its own. A publish that never runs (the isolate died) is
 * picked up by the cron sweep, so this is about latency, not correctness.
 */
export function flushEvents(ctx: ServiceContext): void {
  if (!pending.has(ctx)) return;
  pending.delete(ctx);
  const workspaceId = ctx.workspace?.id;
  if (!workspaceId) return;
  runAfterResponse(ctx, "event publish", (bg) => publishOutbox(bg.db, bg.env, workspaceId, ctx.requestId));
}

/**
 * Moves committed, unpublished events to the webhooks queue, oldest first. Rows are locked with
 * SKIP LOCKED, so concurrent publishers (a request's flush and the cron sweep) never send a row
 * twice; a crash between sending and the commit re-sends it, which consumers absorb (deliveries
 * are unique per event and endpoint). Returns the number of events published.
 */
export async function publishOutbox(db: Db, env: Bindings, workspaceId: string, requestId?: string): Promise<number> {
  let total = 0;
  for (;;) {
    const sent = await db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: outboxEvents.id })
        .from(outboxEvents)
        .where(isNull(outboxEvents.publishedAt))
        .orderBy(outboxEvents.id)
        .limit(PUBLISH_BATCH)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return 0;
      const ids = rows.map((r) => r.id);
      const msg: EventsPublishedMessage = { type: EVENTS_PUBLISHED, workspace_id: workspaceId, event_ids: ids, request_id: requestId };
      await env.WEBHOOKS_QUEUE.send(msg);
      await tx
        .update(outboxEvents)
        .set({ publishedAt: sql`now()` })
        .where(and(inArray(outboxEvents.id, ids), isNull(outboxEvents.publishedAt)));
      return ids.length;
    });
    total += sent;
    if (sent < PUBLISH_BATCH) return total;
  }
}

/**
 * A published event not fanned out after this long lost its message (dead-lettered or dropped):
 * longer than the queue's own retries of it (8 with backoff, about 45 minutes).
 */
const REPUBLISH_AFTER_MINUTES = 60;

/**
 * Sweep: events published long ago whose fan-out never finished are made unpublished again, so
 * the next publish sends them; deliveries are unique per event and endpoint, so nothing doubles.
 */
export async function reopenLostEvents(db: Db): Promise<number> {
  const rows = await db
    .update(outboxEvents)
    .set({ publishedAt: null })
    .where(
      and(isNull(outboxEvents.fannedOutAt), sql`${outboxEvents.publishedAt} < now() - make_interval(mins => ${REPUBLISH_AFTER_MINUTES})`),
    )
    .returning({ id: outboxEvents.id });
  return rows.length;
}

/** Published events older than the retention window go; deliveries keep their own copy of the payload. */
export const EVENT_RETENTION_DAYS = 30;
export async function purgePublishedEvents(db: Db, now = Date.now()): Promise<number> {
  const rows = await db.execute(
    sql`DELETE FROM outbox_events WHERE published_at IS NOT NULL AND occurred_at < ${new Date(now - EVENT_RETENTION_DAYS * 86_400_000)}`,
  );
  return rows.rowCount ?? 0;
}
