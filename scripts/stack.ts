// The local stack shared by `npm run dev`, the test global setup and the benchmarks:
// embedded PostgreSQL, the WebSocket proxy, migrations (control DB and tenant template).
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { migrate } from "../src/platform/db/migrator.ts";
import { readMigrations } from "./migrations.ts";
import { type PostgresServer, startPostgresServer } from "./postgres.ts";
import { startWsProxy, type WsProxy } from "./ws-proxy.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CONTROL_DB = "atrium";
export const TEMPLATE_DB = "tenant_template";

export interface StackOptions {
  dataDir: string;
  pgPort: number;
  proxyPort: number;
  /** false: delete the data directory on stop (tests). */
  persistent: boolean;
  /** Faster, crash-unsafe settings for throwaway test clusters. */
  ephemeral?: boolean;
  log?: (msg: string) => void;
}

export interface Stack {
  pgPort: number;
  proxyPort: number;
  /** URL of the server without a database name. */
  serverUrl: string;
  controlUrl: string;
  stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on 127.0.0.1 (listen on 0, read it back, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A fresh temp directory Postgres can use: it runs as its own OS user when we are root. */
export function throwawayDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

export const PG_USER = "postgres";
export const PG_PASSWORD = "postgres";

export function dbUrl(port: number, database: string): string {
  return `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${database}`;
}

export async function startPostgres(opts: StackOptions): Promise<PostgresServer> {
  const flags = ["-c", "max_connections=400", "-c", "listen_addresses=127.0.0.1"];
  if (opts.ephemeral) flags.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  const server = await startPostgresServer({
    dataDir: opts.dataDir,
    port: opts.pgPort,
    user: PG_USER,
    password: PG_PASSWORD,
    flags,
    persistent: opts.persistent,
    configure: writeLoopbackHba,
  });
  if (server.dataDir !== opts.dataDir) opts.log?.(`postgres data in ${server.dataDir} (the postgres user cannot reach ${opts.dataDir})`);
  return server;
}

/**
 * Loopback TCP connections authenticate with the cleartext password, as Neon's proxy accepts it
 * over TLS: the Neon driver then pipelines startup and password (`pipelineConnect: "password"`,
 * its production default) instead of running SCRAM — 4,096 HMAC rounds in JavaScript inside
 * workerd — on every per-request connection. Rewritten on each start, so older `.data/` dirs follow.
 * The server listens on 127.0.0.1 only; the stored SCRAM verifiers still check the password.
 */
function writeLoopbackHba(dataDir: string): void {
  writeFileSync(
    join(dataDir, "pg_hba.conf"),
    "local all all scram-sha-256\nhost all all 127.0.0.1/32 password\nhost all all ::1/128 password\n",
  );
}

/** Creates the database if missing, then applies every migration of `scope` to it. */
export async function migrateDatabase(port: number, database: string, scope: "control" | "tenant"): Promise<string[]> {
  const admin = new pg.Client({ connectionString: dbUrl(port, "postgres") });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: dbUrl(port, database) });
  await client.connect();
  try {
    return await migrate(client, readMigrations(ROOT, scope));
  } finally {
    await client.end();
  }
}

/**
 * Brings every local workspace database to the latest tenant migration (development only:
 * in production the workspace-health migration job does this per workspace, on request).
 */
export async function migrateLocalTenants(port: number): Promise<number> {
  const control = new pg.Client({ connectionString: dbUrl(port, CONTROL_DB) });
  await control.connect();
  const migrations = readMigrations(ROOT, "tenant");
  const latest = migrations.at(-1)?.name ?? null;
  let migrated = 0;
  try {
    const { rows } = await control.query<{ workspace_id: string; database_name: string }>(
      "SELECT workspace_id, database_name FROM tenant_databases WHERE provider = 'local' AND schema_version IS DISTINCT FROM $1",
      [latest],
    );
    for (const r of rows) {
      const client = new pg.Client({ connectionString: dbUrl(port, r.database_name) });
      try {
        await client.connect();
        await migrate(client, migrations);
        await control.query("UPDATE tenant_databases SET schema_version = $1, updated_at = now() WHERE workspace_id = $2", [
          latest,
          r.workspace_id,
        ]);
        migrated++;
      } catch (e) {
        console.error(`tenant ${r.database_name}: ${(e as Error).message}`);
      } finally {
        await client.end().catch(() => {});
      }
    }
  } finally {
    await control.end();
  }
  return migrated;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const log = opts.log ?? (() => {});
  const server = await startPostgres(opts);
  log(`postgres listening on 127.0.0.1:${opts.pgPort}`);
  let proxy: WsProxy | undefined;
  try {
    proxy = await startWsProxy(opts.proxyPort);
    const control = await migrateDatabase(opts.pgPort, CONTROL_DB, "control");
    const tenant = await migrateDatabase(opts.pgPort, TEMPLATE_DB, "tenant");
    const workspaces = await migrateLocalTenants(opts.pgPort);
    log(
      `migrations: control ${control.length} applied, tenant template ${tenant.length} applied, ${workspaces} workspace database(s) brought up to date`,
    );
  } catch (e) {
    await proxy?.close();
    await server.stop();
    throw e;
  }
  return {
    pgPort: opts.pgPort,
    proxyPort: proxy.port,
    serverUrl: dbUrl(opts.pgPort, ""),
    controlUrl: dbUrl(opts.pgPort, CONTROL_DB),
    stop: async () => {
      await proxy?.close();
      await server.stop();
    },
  };
}

/** A stack for tests and benches in `dir` (a throwawayDir): free ports, crash-unsafe settings, data deleted on stop. */
export async function startThrowawayStack(dir: string, log?: (msg: string) => void): Promise<Stack> {
  return startStack({
    dataDir: join(dir, "pg"),
    pgPort: await freePort(),
    proxyPort: await freePort(),
    persistent: false,
    ephemeral: true,
    ...(log ? { log } : {}),
  });
}
