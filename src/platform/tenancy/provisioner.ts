import { Client } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { tenantMigrations } from "../../../migrations/tenant";
import type { Bindings } from "../../env";
import { configureDriver, type Db } from "../db";
import { migrate } from "../db/migrator";

/** A workspace's own database, as the registry records it. */
export interface TenantDatabase {
  provider: "local" | "neon";
  databaseName: string;
  connectionString: string;
  neonProjectId?: string;
  neonBranchId?: string;
}

/**
 * Makes and removes workspace databases. Both implementations clone a template that is kept
 * at the latest tenant migration: locally `CREATE DATABASE … TEMPLATE`, on Neon a branch of
 * the template branch.
 */
export interface TenantProvisioner {
  create(workspaceId: string): Promise<TenantDatabase>;
  destroy(db: Pick<TenantDatabase, "databaseName" | "neonProjectId" | "neonBranchId">): Promise<void>;
}

export const tenantDatabaseName = (workspaceId: string) => `ws_${workspaceId.replace(/-/g, "")}`;

/**
 * Applies any tenant migrations the clone lacks (none when the template is current), then runs
 * `then` over the same connection (e.g. to create the owner's member record).
 */
export async function migrateTenant(env: Bindings, connectionString: string, then?: (db: Db) => Promise<void>): Promise<string[]> {
  configureDriver(env.DB_WS_PROXY);
  const client = new Client(connectionString);
  let ending = false;
  // A socket error after the session settled must not become an uncaught exception; one while
  // ending (the close handshake cut short) is expected.
  client.on("error", (e) => {
    if (!ending)
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "tenant migration connection error",
          error: String((e as { message?: string }).message ?? e),
        }),
      );
  });
  await client.connect();
  try {
    const applied = await migrate(client, tenantMigrations);
    if (then) await then(drizzle({ client }));
    return applied;
  } finally {
    ending = true;
    await client.end();
  }
}

export async function createProvisioner(env: Bindings, control: Db): Promise<TenantProvisioner> {
  if (env.TENANT_PROVIDER === "neon") {
    const { NeonProvisioner } = await import("./neon");
    return new NeonProvisioner(env, control);
  }
  const { LocalProvisioner } = await import("./local");
  return new LocalProvisioner(env, control);
}
