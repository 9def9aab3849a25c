import { sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { publishOutbox, purgePublishedEvents, reopenLostEvents } from "../../platform/events/outbox";
import { sumOverTenants } from "../../platform/tenancy/each";
import { recoverDeliveries } from "./service";

/** Deliveries (with their attempts) older than this are dropped from the log. */
const DELIVERY_RETENTION_DAYS = 30;

/**
 * Cron, every workspace: publishes events whose request died before publishing them (or whose
 * published message never reached fan-out), re-queues
 * deliveries whose message or consumer was lost, and trims the outbox and the delivery log.
 */
export function sweepEvents(ctx: ServiceContext, now = Date.now()): Promise<number> {
  return sumOverTenants(ctx, "event sweep", async (db, ws) => {
    await reopenLostEvents(db);
    const published = await publishOutbox(db, ctx.env, ws.id);
    const recovered = await recoverDeliveries(db, ctx.env, ws.id);
    await purgePublishedEvents(db, now);
    await db.execute(
      sql`DELETE FROM webhook_deliveries WHERE created_at < ${new Date(now - DELIVERY_RETENTION_DAYS * 86_400_000)} AND status IN ('succeeded', 'dead')`,
    );
    return published + recovered;
  });
}
