import { sql } from "drizzle-orm";
import type { ServiceContext } from "../context";

/**
 * The workspace's default chat model (module settings of `ai`, `default_model`), cached per
 * isolate for a short while: it is read before every chat call, and a round trip to the tenant
 * database sits on the time to first token. A change through the module-settings service forgets
 * the entry in this isolate at once; other isolates see it within DEFAULT_MODEL_TTL_MS.
 */
export const DEFAULT_MODEL_TTL_MS = 30_000;
const MAX_ENTRIES = 1_000;
const cache = new Map<string, { model: string | null; expires: number }>();
// Bumped on every change, so a read that started before a change does not cache the old value.
let generation = 0;

export async function workspaceDefaultModel(ctx: ServiceContext): Promise<string | null> {
  const ws = ctx.workspace?.id;
  const hit = ws ? cache.get(ws) : undefined;
  if (hit && hit.expires > Date.now()) return hit.model;
  const gen = generation;
  const r = (await ctx.db.execute(
    sql`SELECT settings->>'default_model' AS model FROM module_settings WHERE module = 'ai' LIMIT 1`,
  )) as unknown as { rows: { model: string | null }[] };
  const model = r.rows[0]?.model ?? null;
  if (ws && gen === generation) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(ws, { model, expires: Date.now() + DEFAULT_MODEL_TTL_MS });
  }
  return model;
}

/** Drops this isolate's cached default model of a workspace (its `ai` module settings changed). */
export function forgetWorkspaceDefaultModel(workspaceId: string): void {
  generation++;
  cache.delete(workspaceId);
}
