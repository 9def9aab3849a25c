/**
 * Applies SQL migrations in order, once each, recorded in `__migrations`. Self-contained (no
 * imports) so the Worker (bundled SQL) and the Node tooling (files on disk) share it.
 * Needs one session (not a pool): it holds an advisory lock and runs each file in a transaction.
 */
export interface Migration {
  name: string;
  sql: string;
}

export interface SqlSession {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** drizzle-kit separates statements with this marker. */
const BREAKPOINT = "--> statement-breakpoint";
const LOCK_ID = 726_361_001;

export function latestMigration(migrations: Migration[]): string | undefined {
  return migrations.at(-1)?.name;
}

export async function appliedMigrations(session: SqlSession): Promise<string[]> {
  const t = await session.query("SELECT to_regclass('public.__migrations') AS t");
  if (!t.rows[0]?.t) return [];
  const r = await session.query("SELECT name FROM __migrations ORDER BY name");
  return r.rows.map((x) => String(x.name));
}

export async function migrate(
  session: SqlSession,
  migrations: Migration[],
  onStep?: (name: string, index: number, total: number) => void | Promise<void>,
): Promise<string[]> {
  await session.query("CREATE TABLE IF NOT EXISTS __migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
  await session.query("SELECT pg_advisory_lock($1)", [LOCK_ID]);
  const applied: string[] = [];
  try {
    const done = new Set(await appliedMigrations(session));
    const pending = migrations.filter((m) => !done.has(m.name));
    for (const [i, m] of pending.entries()) {
      await onStep?.(m.name, i, pending.length);
      await session.query("BEGIN");
      try {
        for (const stmt of m.sql.split(BREAKPOINT)) {
          if (stmt.trim()) await session.query(stmt);
        }
        await session.query("INSERT INTO __migrations (name) VALUES ($1)", [m.name]);
        await session.query("COMMIT");
      } catch (e) {
        await session.query("ROLLBACK");
        throw new Error(`migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
      applied.push(m.name);
    }
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [LOCK_ID]);
  }
  return applied;
}
