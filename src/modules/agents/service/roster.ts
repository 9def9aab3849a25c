import { sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { uuidv7 } from "../../../platform/ids";
import { BUILTIN_AGENTS } from "../roster";

/** Workspaces whose roster this isolate already ensured (a cache of a fact, not a connection). */
const seeded = new Set<string>();

/** Where employees' member rows get their (never deliverable) e-mail addresses. */
export const AGENT_EMAIL_DOMAIN = "agents.atrium.invalid";

/**
 * Seeds the built-in roster into the workspace, lazily on first use and idempotently: one
 * statement inserts the missing employees by slug (ON CONFLICT DO NOTHING) and, for exactly the
 * rows it inserted, their member rows. Concurrent first requests serialise on the slug index; the
 * loser inserts nothing, so no duplicate employees or orphan members. The foreign key
 * agents.member_id → members.id is checked at the end of the statement, when both rows exist.
 * Built-ins added to the roster later are seeded into existing workspaces the same way, and
 * changed definitions (capabilities, prompt, description) of existing built-ins are brought in line.
 */
export async function ensureRoster(ctx: ServiceContext): Promise<void> {
  const ws = ctx.workspace?.id;
  if (ws && seeded.has(ws)) return;
  const rows = BUILTIN_AGENTS.map(
    (a) => sql`(${uuidv7()}::uuid, ${uuidv7()}::uuid, ${a.slug}, ${a.name}, ${a.role}, ${a.category}, ${a.description},
      ${a.systemPrompt}, ${JSON.stringify(a.capabilities)}::jsonb, ${a.tier}, ${a.avatar})`,
  );
  await ctx.db.execute(sql`
    WITH roster (id, member_id, slug, name, role, category, description, system_prompt, capabilities, tier, avatar) AS (
      VALUES ${sql.join(rows, sql`, `)}
    ), inserted AS (
      INSERT INTO agents (id, member_id, slug, name, role, category, description, system_prompt, capabilities, tier, avatar, status, is_builtin)
      SELECT id, member_id, slug, name, role, category, description, system_prompt, capabilities, tier, avatar, 'active', true FROM roster
      ON CONFLICT (slug) DO NOTHING
      RETURNING member_id, slug, name, role, avatar
    ), synced AS (
      -- Built-ins' definitions are not editable through the API, so existing rows follow the roster.
      UPDATE agents a SET capabilities = r.capabilities, system_prompt = r.system_prompt, description = r.description
      FROM roster r
      WHERE a.slug = r.slug AND a.is_builtin
        AND (a.capabilities, a.system_prompt, a.description) IS DISTINCT FROM (r.capabilities, r.system_prompt, r.description)
    )
    INSERT INTO members (id, user_id, email, full_name, display_name, title, avatar_url, role)
    SELECT member_id, gen_random_uuid(), slug || '@' || ${AGENT_EMAIL_DOMAIN}, name, name, role, avatar, 'member' FROM inserted`);
  if (ws) seeded.add(ws);
}
