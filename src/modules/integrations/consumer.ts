import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { QueueMessage } from "../../../queues";
import type { ServiceContext } from "../../platform/context";
import type { Db, Tx } from "../../platform/db";
import { isServiceError, ServiceError } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { sumOverTenants } from "../../platform/tenancy/each";
import { resolveWorkspaceForSystem } from "../../platform/tenancy/resolve";
import { stagedRows } from "../integration-records/tables";
import { fetchPage, type Page } from "./connectors";
import { ProviderAuthError } from "./http";
import { accessTokenFor, defOf, emitSyncEnded, LEASE_MS, markNeedsReauth, type RunRow, STALE_AFTER_MS, SYNC_MESSAGE } from "./internal";
import { isTerminalRun, logRun, publishRun } from "./service/runs";
import { integrationRunLogs, integrationRuns, integrations, type SyncCursor } from "./tables";

const SyncMessage = z.object({
  type: z.literal(SYNC_MESSAGE),
  request_id: z.string().optional(),
  workspace_id: z.uuid(),
  run_id: z.uuid(),
  /** The run's claim token when the message was sent; absent on messages sent before tokens existed. */
  token: z.uuid().optional(),
});

/** Pages per queue message: a long sync continues in a new message (each within a Worker's limits). */
const PAGES_PER_MESSAGE = 25;
/** After this many failed deliveries the run is marked FAILED (the queue's max_retries is 5). */
const MAX_ATTEMPTS = 5;
const DEFAULT_PAGE_SIZE = 250;

const OPEN = sql`${integrationRuns.status} in ('PENDING', 'RUNNING')`;
const tokenIs = (token: string | null) => (token ? eq(integrationRuns.claimToken, token) : sql`${integrationRuns.claimToken} is null`);
const lease = () => new Date(Date.now() + LEASE_MS);

/**
 * IMPORTS_QUEUE consumer of integration.sync. Pulls each entity page by page from the provider
 * and upserts the rows into staged_rows by (source, external_id); after every page the run's
 * cursor (entity, provider page cursor) is saved. A run whose Worker died, or whose message is
 * redelivered after a provider error, resumes from that cursor: at worst the page in flight is
 * fetched again, and the upsert keeps it from adding rows twice.
 *
 * Only the message carrying the run's claim token may work on it, and only while it holds the
 * run's lease (renewed every page): a duplicate of a message already handed on is a no-op, and a
 * copy delivered while another consumer holds the lease is retried later (then it is a no-op, or
 * resumes the run if that consumer died). Each page is saved with a compare-and-set on
 * pages_synced, in one transaction with its rows: a cancelled, deleted or taken-over run writes nothing.
 */
export async function runSyncMessage(ctx: ServiceContext, body: QueueMessage, attempt: number): Promise<void> {
  const parsed = SyncMessage.safeParse(body);
  if (!parsed.success) throw new ServiceError("validation_error", `Malformed ${SYNC_MESSAGE} message: ${parsed.error.message}`);
  const m = parsed.data;
  try {
    await resolveWorkspaceForSystem(ctx, m.workspace_id);
  } catch (e) {
    if (isServiceError(e) && e.code === "not_found") return; // the workspace is gone
    throw e;
  }
  const token = m.token ?? null;
  let run = await claim(ctx, m.run_id, token);
  if (!run) {
    const [cur] = await ctx.db.select().from(integrationRuns).where(eq(integrationRuns.id, m.run_id)).limit(1);
    // The same message held by a live consumer: try again later (a no-op then, or a resume if it died).
    if (cur && !isTerminalRun(cur.status) && (cur.claimToken ?? null) === token) {
      throw new ServiceError("service_unavailable", `Run ${cur.id} is being synced by another consumer`, { retryable: true });
    }
    return; // finished, or handed on to a newer message
  }
  const save = (r: RunRow, set: Partial<typeof integrationRuns.$inferInsert>) => saveRun(ctx.db, r, token, set);
  const [integration] = await ctx.db.select().from(integrations).where(eq(integrations.id, run.integrationId)).limit(1);
  if (!integration) return; // deleted: the run went with it
  if (!integration.isActive) return finish(ctx, run, token, "CANCELLED", "Cancelled: the integration was disabled");
  const def = defOf(integration);

  if (run.status === "PENDING") {
    const started = await save(run, { status: "RUNNING", startedAt: new Date(), currentStep: "Starting" });
    if (!started) return;
    run = started;
    await logRun(ctx, run.id, "info", "Sync started");
    await publishRun(ctx, run);
  } else {
    await logRun(ctx, run.id, "info", `Resuming from the saved cursor (${describe(def.entities[run.cursor.entity]?.name, run.cursor)})`);
  }

  try {
    let accessToken = await accessTokenFor(ctx, integration);
    let refreshed = false;
    const pageSize = Number(integration.settings.sync_page_size) || DEFAULT_PAGE_SIZE;
    for (let pages = 0; pages < PAGES_PER_MESSAGE; pages++) {
      const cursor = run.cursor;
      const entity = def.entities[cursor.entity];
      if (!entity) {
        await ctx.db
          .update(integrations)
          .set({ lastSyncAt: new Date(), lastSyncStatus: "COMPLETED", lastError: null, status: "connected" })
          .where(eq(integrations.id, integration.id));
        return finish(ctx, run, token, "COMPLETED", `Synced ${run.recordsSynced} records`);
      }
      const get = () =>
        fetchPage(ctx.env, def, { token: accessToken, settings: integration.settings, entity, cursor: cursor.page, pageSize });
      let page: Page;
      try {
        page = await get();
      } catch (e) {
        // A refused token may only be stale: refresh once (if there is a refresh token) and try again.
        if (!(e instanceof ProviderAuthError) || refreshed || !integration.refreshTokenEncrypted) throw e;
        refreshed = true;
        await logRun(ctx, run.id, "warning", `${def.name} refused the access token; refreshing it once`);
        accessToken = await accessTokenFor(ctx, integration, { refused: accessToken });
        page = await get();
      }
      const next: SyncCursor = page.next ? { entity: cursor.entity, page: page.next } : { entity: cursor.entity + 1, page: null };
      const progress = Math.min(99, Math.floor((100 * next.entity) / def.entities.length) + (page.next ? 1 : 0));
      const before = run;
      const saved = await ctx.db.transaction(async (tx) => {
        const row = await saveRun(tx, before, token, {
          cursor: next,
          recordsSynced: before.recordsSynced + page.rows.length,
          pagesSynced: before.pagesSynced + 1,
          progress: Math.max(before.progress, progress),
          currentStep: `Syncing ${entity.display_name.toLowerCase()}…`,
        });
        if (row && page.rows.length) {
          await tx
            .insert(stagedRows)
            .values(page.rows.map((r) => ({ source: entity.table_name, externalId: r.externalId, data: r.data })))
            .onConflictDoUpdate({
              target: [stagedRows.source, stagedRows.externalId],
              set: { data: sql`excluded.data`, syncedAt: sql`now()` },
            });
        }
        return row;
      });
      if (!saved) return; // cancelled, disconnected or taken over meanwhile: this page is not written
      run = saved;
      await logRun(ctx, run.id, "info", `${entity.display_name}: ${page.rows.length} rows${page.next ? "" : " (last page)"}`);
      await publishRun(ctx, run);
    }
    // Budget used up: hand the run to a new message (new token, lease released) from the saved cursor.
    const handedTo = uuidv7();
    const [handed] = await ctx.db
      .update(integrationRuns)
      .set({ claimToken: handedTo, leaseUntil: null })
      .where(and(eq(integrationRuns.id, run.id), OPEN, tokenIs(token)))
      .returning({ id: integrationRuns.id });
    if (!handed) return;
    try {
      await ctx.env.IMPORTS_QUEUE.send({ ...m, token: handedTo });
    } catch (e) {
      // Not sent: take the run back, so this message's retry continues it.
      await ctx.db
        .update(integrationRuns)
        .set({ claimToken: token })
        .where(and(eq(integrationRuns.id, run.id), eq(integrationRuns.claimToken, handedTo)));
      throw e;
    }
  } catch (e) {
    if (e instanceof ProviderAuthError) {
      await markNeedsReauth(ctx, integration, e.message);
      return finish(ctx, run, token, "FAILED", e.message);
    }
    // Not worth retrying (refused credentials after needs_reauth, a provider's 4xx, bad settings).
    if (isServiceError(e) && !e.retryable) return finish(ctx, run, token, "FAILED", e.message);
    const why = e instanceof Error ? e.message : String(e);
    if (attempt >= MAX_ATTEMPTS) return finish(ctx, run, token, "FAILED", `Gave up after ${attempt} attempts: ${why}`);
    await logRun(ctx, run.id, "warning", `Attempt ${attempt} stopped (${why}); it will resume from the saved cursor`);
    // Free the lease so the retry can claim the run at once.
    await ctx.db
      .update(integrationRuns)
      .set({ leaseUntil: null })
      .where(and(eq(integrationRuns.id, run.id), tokenIs(token)));
    throw e;
  }
}

const describe = (entity: string | undefined, c: SyncCursor) => `${entity ?? "done"}${c.page ? ", next page" : ", first page"}`;

/** Takes the run's lease for the message carrying `token`; undefined when the run is finished, handed on or leased. */
async function claim(ctx: ServiceContext, runId: string, token: string | null): Promise<RunRow | undefined> {
  const [row] = await ctx.db
    .update(integrationRuns)
    .set({ leaseUntil: lease() })
    .where(
      and(
        eq(integrationRuns.id, runId),
        OPEN,
        tokenIs(token),
        or(isNull(integrationRuns.leaseUntil), lte(integrationRuns.leaseUntil, new Date())),
      ),
    )
    .returning();
  return row;
}

/**
 * Compare-and-set: updates the run (and renews the lease) only while it is open, still this
 * message's, and at the page count this consumer last saw; undefined otherwise.
 */
async function saveRun(
  db: Tx,
  run: RunRow,
  token: string | null,
  set: Partial<typeof integrationRuns.$inferInsert>,
): Promise<RunRow | undefined> {
  const [row] = await db
    .update(integrationRuns)
    .set({ leaseUntil: lease(), ...set })
    .where(and(eq(integrationRuns.id, run.id), OPEN, tokenIs(token), eq(integrationRuns.pagesSynced, run.pagesSynced)))
    .returning();
  return row;
}

async function finish(
  ctx: ServiceContext,
  run: RunRow,
  token: string | null,
  status: "COMPLETED" | "FAILED" | "CANCELLED",
  message: string,
): Promise<void> {
  const saved = await ctx.db.transaction(async (tx) => {
    const row = await saveRun(tx, run, token, {
      status,
      progress: status === "COMPLETED" ? 100 : run.progress,
      currentStep: status === "COMPLETED" ? "Completed" : status === "FAILED" ? "Failed" : "Cancelled",
      errorMessage: status === "COMPLETED" ? null : message,
      completedAt: new Date(),
      leaseUntil: null,
    });
    if (row) await emitSyncEnded(ctx, tx, row);
    return row;
  });
  if (!saved) return;
  if (status !== "COMPLETED") {
    await ctx.db.update(integrations).set({ lastSyncStatus: status, lastError: message }).where(eq(integrations.id, run.integrationId));
  }
  await logRun(ctx, run.id, status === "FAILED" ? "error" : "info", message);
  await publishRun(ctx, saved);
}

export const STALE_RUN_MESSAGE = "The sync stopped responding (no progress for 10 minutes); start it again";

/** Marks one workspace's stale runs (lease lapsed, or never claimed, for STALE_AFTER_MS) FAILED. */
export async function failStaleRunsIn(ctx: ServiceContext, db: Db, now = Date.now()): Promise<number> {
  const reaped = await db.transaction(async (tx) => {
    const rows = await tx
      .update(integrationRuns)
      .set({ status: "FAILED", errorMessage: STALE_RUN_MESSAGE, currentStep: "Failed", completedAt: new Date(now), leaseUntil: null })
      .where(
        and(
          inArray(integrationRuns.status, ["PENDING", "RUNNING"]),
          or(
            lt(integrationRuns.leaseUntil, new Date(now - STALE_AFTER_MS)),
            and(isNull(integrationRuns.leaseUntil), lt(integrationRuns.createdAt, new Date(now - STALE_AFTER_MS))),
          ),
        ),
      )
      .returning();
    for (const r of rows) await emitSyncEnded(ctx, tx, r);
    return rows;
  });
  for (const r of reaped) {
    await db
      .update(integrations)
      .set({ lastSyncStatus: "FAILED", lastError: STALE_RUN_MESSAGE })
      .where(eq(integrations.id, r.integrationId));
    await db.insert(integrationRunLogs).values({ runId: r.id, level: "error", message: STALE_RUN_MESSAGE });
    await publishRun(ctx, r);
  }
  return reaped.length;
}

/** Cron, every workspace: fails sync runs whose consumer died (their streams close, a new sync can start). */
export function reapStaleIntegrationRuns(ctx: ServiceContext, now = Date.now()): Promise<number> {
  return sumOverTenants(ctx, "integration run reaper", (db) => failStaleRunsIn(ctx, db, now));
}
