import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { QueueMessage } from "../../../queues";
import type { ServiceContext } from "../../platform/context";
import { isServiceError, ServiceError } from "../../platform/errors";
import { resolveWorkspaceForSystem } from "../../platform/tenancy/resolve";
import { stagedRows } from "../integration-records/tables";
import { fetchPage, type Page } from "./connectors";
import { ProviderAuthError } from "./http";
import { accessTokenFor, defOf, markNeedsReauth, type RunRow, SYNC_MESSAGE } from "./internal";
import { isTerminalRun, logRun, publishRun } from "./service/runs";
import { integrationRuns, integrations, type SyncCursor } from "./tables";

const SyncMessage = z.object({
  type: z.literal(SYNC_MESSAGE),
  request_id: z.string().optional(),
  workspace_id: z.uuid(),
  run_id: z.uuid(),
});

/** Pages per queue message: a long sync continues in a new message (each within a Worker's limits). */
const PAGES_PER_MESSAGE = 25;
/** After this many failed deliveries the run is marked FAILED (the queue's max_retries is 5). */
const MAX_ATTEMPTS = 5;
const DEFAULT_PAGE_SIZE = 250;

/**
 * IMPORTS_QUEUE consumer of integration.sync. Pulls each entity page by page from the provider
 * and upserts the rows into staged_rows by (source, external_id); after every page the run's
 * cursor (entity, provider page cursor) is saved. A run whose Worker died, or whose message is
 * redelivered after a provider error, resumes from that cursor: at worst the page in flight is
 * fetched again, and the upsert keeps it from adding rows twice.
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
  let [run] = await ctx.db.select().from(integrationRuns).where(eq(integrationRuns.id, m.run_id)).limit(1);
  if (!run || isTerminalRun(run.status)) return;
  const [integration] = await ctx.db.select().from(integrations).where(eq(integrations.id, run.integrationId)).limit(1);
  if (!integration) return; // deleted: the run went with it
  if (!integration.isActive) return finish(ctx, run, "CANCELLED", "Cancelled: the integration was disabled");
  const def = defOf(integration);

  if (run.status === "PENDING") {
    run = await save(ctx, run, { status: "RUNNING", startedAt: new Date(), currentStep: "Starting" });
    if (!run) return;
    await logRun(ctx, run.id, "info", "Sync started");
    await publishRun(ctx, run);
  } else {
    await logRun(ctx, run.id, "info", `Resuming from the saved cursor (${describe(def.entities[run.cursor.entity]?.name, run.cursor)})`);
  }

  try {
    const token = await accessTokenFor(ctx, integration);
    const pageSize = Number(integration.settings.sync_page_size) || DEFAULT_PAGE_SIZE;
    for (let pages = 0; pages < PAGES_PER_MESSAGE; pages++) {
      const cursor = run.cursor;
      const entity = def.entities[cursor.entity];
      if (!entity) {
        await ctx.db
          .update(integrations)
          .set({ lastSyncAt: new Date(), lastSyncStatus: "COMPLETED", lastError: null, status: "connected" })
          .where(eq(integrations.id, integration.id));
        return finish(ctx, run, "COMPLETED", `Synced ${run.recordsSynced} records`);
      }
      const page: Page = await fetchPage(ctx.env, def, { token, settings: integration.settings, entity, cursor: cursor.page, pageSize });
      if (page.rows.length) {
        await ctx.db
          .insert(stagedRows)
          .values(page.rows.map((r) => ({ source: entity.table_name, externalId: r.externalId, data: r.data })))
          .onConflictDoUpdate({
            target: [stagedRows.source, stagedRows.externalId],
            set: { data: sql`excluded.data`, syncedAt: sql`now()` },
          });
      }
      const next: SyncCursor = page.next ? { entity: cursor.entity, page: page.next } : { entity: cursor.entity + 1, page: null };
      const done = next.entity;
      const progress = Math.min(99, Math.floor((100 * done) / def.entities.length) + (page.next ? 1 : 0));
      const saved = await save(ctx, run, {
        cursor: next,
        recordsSynced: run.recordsSynced + page.rows.length,
        pagesSynced: run.pagesSynced + 1,
        progress: Math.max(run.progress, progress),
        currentStep: `Syncing ${entity.display_name.toLowerCase()}…`,
      });
      if (!saved) return; // cancelled meanwhile
      run = saved;
      await logRun(ctx, run.id, "info", `${entity.display_name}: ${page.rows.length} rows${page.next ? "" : " (last page)"}`);
      await publishRun(ctx, run);
    }
    // Budget used up: continue in a new message from the saved cursor.
    await ctx.env.IMPORTS_QUEUE.send({ ...m, request_id: m.request_id });
  } catch (e) {
    if (e instanceof ProviderAuthError) {
      await markNeedsReauth(ctx, integration, e.message);
      return finish(ctx, run, "FAILED", e.message);
    }
    // Not worth retrying (refused credentials after needs_reauth, a provider's 4xx, bad settings).
    if (isServiceError(e) && !e.retryable) return finish(ctx, run, "FAILED", e.message);
    const why = e instanceof Error ? e.message : String(e);
    if (attempt >= MAX_ATTEMPTS) return finish(ctx, run, "FAILED", `Gave up after ${attempt} attempts: ${why}`);
    await logRun(ctx, run.id, "warning", `Attempt ${attempt} stopped (${why}); it will resume from the saved cursor`);
    throw e;
  }
}

const describe = (entity: string | undefined, c: SyncCursor) => `${entity ?? "done"}${c.page ? ", next page" : ", first page"}`;

/** Updates the run only while it is RUNNING (or PENDING → RUNNING); null when it was finished meanwhile. */
async function save(ctx: ServiceContext, run: RunRow, set: Partial<typeof integrationRuns.$inferInsert>): Promise<RunRow | undefined> {
  const [row] = await ctx.db
    .update(integrationRuns)
    .set(set)
    .where(and(eq(integrationRuns.id, run.id), sql`${integrationRuns.status} in ('PENDING', 'RUNNING')`))
    .returning();
  return row;
}

async function finish(ctx: ServiceContext, run: RunRow, status: "COMPLETED" | "FAILED" | "CANCELLED", message: string): Promise<void> {
  const saved = await save(ctx, run, {
    status,
    progress: status === "COMPLETED" ? 100 : run.progress,
    currentStep: status === "COMPLETED" ? "Completed" : status === "FAILED" ? "Failed" : "Cancelled",
    errorMessage: status === "COMPLETED" ? null : message,
    completedAt: new Date(),
  });
  if (!saved) return;
  if (status !== "COMPLETED") {
    await ctx.db.update(integrations).set({ lastSyncStatus: status, lastError: message }).where(eq(integrations.id, run.integrationId));
  }
  await logRun(ctx, run.id, status === "FAILED" ? "error" : "info", message);
  await publishRun(ctx, saved);
}
