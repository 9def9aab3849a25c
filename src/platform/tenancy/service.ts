import { eq } from "drizzle-orm";
import { tenantMigrations } from "../../../migrations/tenant";
import type { ServiceContext } from "../context";
import { encryptSecret } from "../crypto";
import type { Db } from "../db";
import { latestMigration } from "../db/migrator";
import { tenantDatabases } from "../identity/tables";
import { createProvisioner, migrateTenant, type TenantDatabase } from "./provisioner";

export type ProgressFn = (step: string, progress: number, message: string) => Promise<void>;

/**
 * Creates the workspace's database (template clone), brings it to the latest tenant schema,
 * runs `seed` in it (member record, defaults) over the same connection, and records it in the
 * registry with the connection string encrypted. On failure the database is dropped again.
 */
export async function provisionTenantDatabase(
  ctx: ServiceContext,
  workspaceId: string,
  opts: { progress?: ProgressFn | undefined; seed?: (db: Db) => Promise<void> } = {},
): Promise<TenantDatabase> {
  const { progress } = opts;
  const provisioner = await createProvisioner(ctx.env, ctx.control);
  await progress?.("provisioning_database", 35, "Creating the workspace database");
  const db = await provisioner.create(workspaceId);
  try {
    await progress?.("running_migrations", 60, "Bringing the database schema up to date");
    await migrateTenant(ctx.env, db.connectionString, async (tenant) => {
      if (opts.seed) {
        await progress?.("creating_member", 80, "Adding you to the workspace");
        await opts.seed(tenant);
      }
    });
    await ctx.control.insert(tenantDatabases).values({
      workspaceId,
      provider: db.provider,
      databaseName: db.databaseName,
      neonProjectId: db.neonProjectId ?? null,
      neonBranchId: db.neonBranchId ?? null,
      connectionEncrypted: await encryptSecret(ctx.env.ENCRYPTION_KEY, db.connectionString),
      schemaVersion: latestMigration(tenantMigrations) ?? null,
    });
  } catch (e) {
    await provisioner
      .destroy(db)
      .catch((err) => console.error(JSON.stringify({ level: "error", msg: "tenant cleanup failed", error: String(err) })));
    throw e;
  }
  return db;
}

/** Drops a workspace's database and its registry row (compensation and workspace deletion). */
export async function destroyTenantDatabase(ctx: ServiceContext, workspaceId: string): Promise<void> {
  const [row] = await ctx.control.select().from(tenantDatabases).where(eq(tenantDatabases.workspaceId, workspaceId)).limit(1);
  if (!row) return;
  const provisioner = await createProvisioner(ctx.env, ctx.control);
  await provisioner.destroy({
    databaseName: row.databaseName,
    ...(row.neonProjectId ? { neonProjectId: row.neonProjectId } : {}),
    ...(row.neonBranchId ? { neonBranchId: row.neonBranchId } : {}),
  });
  await ctx.control.delete(tenantDatabases).where(eq(tenantDatabases.workspaceId, workspaceId));
}
