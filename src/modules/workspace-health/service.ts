import { eq } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../platform/context";
import { forbidden, notFound, ServiceError } from "../../platform/errors";
import { isAdmin } from "../../platform/identity/roles";
import { tenantDatabases, workspaces } from "../../platform/identity/tables";
import { getJob, streamJob } from "../../platform/jobs/service";
import { activeMigrationJob, startTenantMigration, TENANT_MIGRATION_JOB } from "../../platform/tenancy/migrate-job";
import { isSchemaBehind, TENANT_SCHEMA_VERSION } from "../../platform/tenancy/resolve";
import { members } from "../members/tables";
import { moduleSettings } from "../module-settings/tables";
import type { WorkspaceHealth } from "./schemas";

function scopeOf(ctx: ServiceContext) {
  if (!ctx.workspace) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  return ctx.workspace;
}

const streamUrl = (jobId: string) => `/api/v1/workspace-health/migration/${jobId}/stream`;

/** Postgres "undefined table" / "undefined column": what a tenant database behind the schema lacks. */
function isMissingRelation(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const code = (cur as { code?: string }).code;
    if (code === "42P01" || code === "42703") return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Reads a flag from the tenant database. While a migration is required the table behind a flag
 * may not exist yet; then the feature is simply not configured. Otherwise errors propagate.
 */
async function tenantFlag(behind: boolean, read: () => Promise<boolean>): Promise<boolean> {
  try {
    return await read();
  } catch (e) {
    if (behind && isMissingRelation(e)) return false;
    throw e;
  }
}

/**
 * What the workspace has set up, and whether its database needs a migration. Works on an
 * outdated schema (the route opts out of the migration_required check) so the client can see
 * the state and start the migration.
 */
export async function getWorkspaceHealth(ctx: ServiceContext): Promise<WorkspaceHealth> {
  const scope = scopeOf(ctx);
  const userId = actorUserId(ctx);
  const [ws] = await ctx.control
    .select({ settings: workspaces.settings, schemaVersion: tenantDatabases.schemaVersion })
    .from(workspaces)
    .leftJoin(tenantDatabases, eq(tenantDatabases.workspaceId, workspaces.id))
    .where(eq(workspaces.id, scope.id))
    .limit(1);
  if (!ws) throw notFound("Workspace");
  const behind = isSchemaBehind(ws.schemaVersion);

  // Only the columns needed, so a members table behind the schema is still readable.
  const personal = await tenantFlag(behind, async () => {
    const [m] = await ctx.db.select({ done: members.onboardingCompleted }).from(members).where(eq(members.userId, userId)).limit(1);
    return m?.done ?? false;
  });
  // There is no brand module (brand profiles) yet. Until it lands, a workspace counts as having
  // a brand once it has configured the 'brand' module: enabled, with a non-empty settings object.
  // Replace with "a brand profile exists" when the brand module brings its table.
  const brand = await tenantFlag(behind, async () => {
    const [b] = await ctx.db
      .select({ enabled: moduleSettings.isEnabled, settings: moduleSettings.settings })
      .from(moduleSettings)
      .where(eq(moduleSettings.module, "brand"))
      .limit(1);
    if (!b?.enabled) return false;
    return Object.keys(b.settings).length > 0;
  });
  const job = behind ? await activeMigrationJob(ctx, scope.id) : undefined;
  return {
    brand,
    migration_required: behind,
    personal_onboarding_complete: personal,
    // Company onboarding writes settings.onboarding_completed on the control workspace row.
    company_onboarding_complete: ws.settings.onboarding_completed === true,
    schema_version: ws.schemaVersion,
    latest_schema_version: TENANT_SCHEMA_VERSION,
    migration_job: job ? { job_id: job.jobId, status: job.status, stream_url: streamUrl(job.jobId) } : null,
  };
}

/** Starts the tenant migration (admins and owners), or returns the one already under way. */
export async function triggerMigration(ctx: ServiceContext) {
  const scope = scopeOf(ctx);
  if (!isAdmin(scope.role)) throw forbidden("Only workspace admins and owners can migrate the workspace database");
  const job = await startTenantMigration(ctx, scope.id, actorUserId(ctx));
  return { job_id: job.jobId, stream_url: streamUrl(job.jobId), status: job.status };
}

/** SSE progress of one of this workspace's migration jobs; any other job id is a 404. */
export async function streamMigration(ctx: ServiceContext, jobId: string, since: number, signal?: AbortSignal): Promise<Response> {
  const scope = scopeOf(ctx);
  const job = await getJob(ctx, jobId, TENANT_MIGRATION_JOB);
  if (job.workspaceId !== scope.id) throw notFound("Job");
  return streamJob(ctx, jobId, since, signal);
}
