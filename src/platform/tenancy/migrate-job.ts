import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { STUCK_AFTER_MS } from "../../scheduled";
import { createContext, type ServiceContext } from "../context";
import { ServiceError } from "../errors";
import { tenantDatabases } from "../identity/tables";
import { JobReporter } from "../jobs/service";
import { type JobStatus, jobs } from "../jobs/tables";
import { tenantConnectionString } from "./connection";
import { migrateTenant } from "./provisioner";
import { TENANT_SCHEMA_VERSION } from "./resolve";

/** jobs.kind of a workspace's tenant-schema migration. */
export const TENANT_MIGRATION_JOB = "tenant_migration";

/** Advisory lock class of "start a migration job for workspace X" (the migrator itself uses 726_361_001). */
const CLAIM_LOCK = 726_361_002;

const ACTIVE: JobStatus[] = ["QUEUED", "RUNNING"];

export interface MigrationJobRef {
  jobId: string;
  status: JobStatus;
}

/** The workspace's queued or running migration job, if any (one that stopped reporting does not count). */
export async function activeMigrationJob(ctx: ServiceContext, workspaceId: string): Promise<MigrationJobRef | undefined> {
  const [row] = await ctx.control
    .select({ jobId: jobs.id, status: jobs.status })
    .from(jobs)
    .where(
      and(
        eq(jobs.workspaceId, workspaceId),
        eq(jobs.kind, TENANT_MIGRATION_JOB),
        inArray(jobs.status, ACTIVE),
        sql`${jobs.updatedAt} >= now() - make_interval(secs => ${STUCK_AFTER_MS / 1000})`,
      ),
    )
    .orderBy(desc(jobs.createdAt))
    .limit(1);
  return row;
}

/**
 * Starts the workspace's tenant migration as a background job, or returns the one already
 * queued or running: never two at once. The check and the insert run in one transaction under
 * a per-workspace advisory lock, so concurrent triggers (any isolate) serialise on it. A job
 * that stopped reporting for STUCK_AFTER_MS (its isolate died) is marked FAILED, as the cron
 * reaper would, and no longer blocks a new one.
 */
export async function startTenantMigration(
  ctx: ServiceContext,
  workspaceId: string,
  userId: string | null,
): Promise<MigrationJobRef & { started: boolean }> {
  const claim = await ctx.control.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${CLAIM_LOCK}, hashtext(${workspaceId}))`);
    const stuck = lt(jobs.updatedAt, sql`now() - make_interval(secs => ${STUCK_AFTER_MS / 1000})`);
    const mine = and(eq(jobs.workspaceId, workspaceId), eq(jobs.kind, TENANT_MIGRATION_JOB), inArray(jobs.status, ACTIVE));
    await tx
      .update(jobs)
      .set({ status: "FAILED", errorMessage: "The job stopped responding and was cancelled; please try again", finishedAt: new Date() })
      .where(and(mine, stuck));
    const [running] = await tx
      .select({ jobId: jobs.id, status: jobs.status })
      .from(jobs)
      .where(mine)
      .orderBy(desc(jobs.createdAt))
      .limit(1);
    if (running) return { ...running, started: false };
    // createJob's row, written inside the lock's transaction (the request's pool has one
    // connection, which the transaction holds). Random UUIDv4 ids, as for every job.
    const jobId = crypto.randomUUID();
    await tx.insert(jobs).values({ id: jobId, kind: TENANT_MIGRATION_JOB, status: "QUEUED", userId, workspaceId });
    return { jobId, status: "QUEUED" as JobStatus, started: true };
  });
  if (claim.started) {
    // Its own context: the request's connections close when the response is sent.
    const jobCtx = createContext({
      env: ctx.env,
      requestId: ctx.requestId,
      waitUntil: ctx.waitUntil,
      actor: { kind: "system", name: "tenant-migration" },
    });
    ctx.waitUntil(runTenantMigration(jobCtx, claim.jobId, workspaceId).finally(() => jobCtx.connections.close()));
  }
  return claim;
}

/**
 * The job: applies the bundled tenant migrations the workspace's database lacks (each in its
 * own transaction, under the migrator's lock), then records the new schema version, which
 * lifts the `migration_required` 503 on the next request. Never throws; failures end as FAILED.
 */
export async function runTenantMigration(ctx: ServiceContext, jobId: string, workspaceId: string): Promise<void> {
  const reporter = new JobReporter(ctx, jobId);
  try {
    await reporter.update({ status: "RUNNING", progress: 0, step: "starting", message: "Starting the migration" });
    const [row] = await ctx.control
      .select({ encrypted: tenantDatabases.connectionEncrypted, version: tenantDatabases.schemaVersion })
      .from(tenantDatabases)
      .where(eq(tenantDatabases.workspaceId, workspaceId))
      .limit(1);
    if (!row) throw new ServiceError("not_found", "The workspace has no database");
    const url = await tenantConnectionString(ctx.env.ENCRYPTION_KEY, row.encrypted);
    await reporter.update({
      status: "RUNNING",
      progress: 20,
      step: "running_migrations",
      message: `Bringing the database schema from ${row.version ?? "unknown"} to ${TENANT_SCHEMA_VERSION}`,
    });
    const applied = await migrateTenant(ctx.env, url);
    await reporter.update({ status: "RUNNING", progress: 90, step: "recording_version", message: "Recording the new schema version" });
    if (TENANT_SCHEMA_VERSION !== null) {
      // Never moves the version back (a newer deployment may have migrated further already).
      await ctx.control
        .update(tenantDatabases)
        .set({ schemaVersion: TENANT_SCHEMA_VERSION, updatedAt: new Date() })
        .where(
          and(
            eq(tenantDatabases.workspaceId, workspaceId),
            or(isNull(tenantDatabases.schemaVersion), lt(tenantDatabases.schemaVersion, TENANT_SCHEMA_VERSION)),
          ),
        );
    }
    await reporter.update({
      status: "COMPLETED",
      progress: 100,
      step: "completed",
      message:
        applied.length > 0
          ? `Applied ${applied.length} migration(s); the workspace is ready`
          : "The workspace database was already up to date",
      result: { applied_migrations: applied, schema_version: TENANT_SCHEMA_VERSION },
    });
  } catch (e) {
    // The migrator names the failing migration and Postgres' reason; anything else (connection,
    // decryption) stays generic, as it may carry infrastructure details.
    const raw = e instanceof Error ? e.message : String(e);
    const message = /^migration \S+ failed: /.test(raw)
      ? raw
      : e instanceof ServiceError
        ? e.message
        : "The workspace database could not be migrated. Please try again.";
    console.error(JSON.stringify({ level: "error", msg: "tenant migration failed", job_id: jobId, workspace_id: workspaceId, error: raw }));
    await reporter
      .update({ status: "FAILED", progress: 100, step: "failed", message, error: message })
      .catch((err) => console.error(JSON.stringify({ level: "error", msg: "job report failed", job_id: jobId, error: String(err) })));
  }
}
