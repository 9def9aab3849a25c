import { type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Tx } from "./db";

/**
 * Lower-case ASCII words joined by dashes, at most `maxLength` long; accents are dropped.
 * Nothing left → `fallback`. The result is `[a-z0-9-]` only.
 */
export function slugify(name: string, fallback: string, maxLength = 60): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, maxLength)
    .replace(/-+$/, "");
  return s || fallback;
}

/**
 * `base`, else the first free `base-2`, `base-3`, … in `column` of `table` (rows matched by
 * `scope` too, when given). `reserved` slugs are never handed out: they are static paths beside
 * the slug routes.
 */
export async function freeSlug(
  db: Tx,
  table: PgTable,
  column: PgColumn,
  base: string,
  reserved: ReadonlySet<string> = new Set(),
  scope?: SQL,
): Promise<string> {
  // base comes from slugify ([a-z0-9-] only), so it is safe inside the regular expression.
  const match = sql`${column} ~ ${`^${base}(-[0-9]+)?$`}`;
  const rows = await db
    .select({ slug: column })
    .from(table)
    .where(scope ? sql`${match} AND ${scope}` : match);
  const taken = new Set(rows.map((r) => String(r.slug)));
  if (!taken.has(base) && !reserved.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
