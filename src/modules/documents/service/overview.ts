import { and, eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { currentMember } from "../../members/service";
import { getDocumentForActor, visibleDocumentsSql } from "../access";
import { documentStars } from "../tables";

/** Per member: starred if it was not, unstarred if it was. Whoever sees the document may star it. */
export async function toggleDocumentStar(ctx: ServiceContext, documentId: string) {
  const { document, memberId } = await getDocumentForActor(ctx, documentId, "view");
  const removed = await ctx.db
    .delete(documentStars)
    .where(and(eq(documentStars.documentId, document.id), eq(documentStars.memberId, memberId)))
    .returning({ id: documentStars.documentId });
  if (removed.length === 0) await ctx.db.insert(documentStars).values({ documentId: document.id, memberId }).onConflictDoNothing();
  return { document_id: document.id, starred: removed.length === 0 };
}

const visibleWhere = async (ctx: ServiceContext) => (await visibleDocumentsSql(ctx)) ?? sql`true`;

/** Categories in use among the documents the caller can see, most used first. */
export async function documentCategories(ctx: ServiceContext) {
  const visible = await visibleWhere(ctx);
  const { rows } = await ctx.db.execute<{ category: string; count: number }>(sql`
    select "documents"."category" as category, count(*)::int as count from documents
    where "documents"."category" is not null and "documents"."category" <> '' and ${visible}
    group by 1 order by 2 desc, 1 asc limit 500`);
  return { categories: rows.map((r) => r.category), counts: rows };
}

/** Recent = created in the last 7 days. */
const RECENT_DAYS = 7;

/** Counts over the documents the caller can see only (the same rule as the list). */
export async function documentStats(ctx: ServiceContext) {
  const [visible, me] = await Promise.all([visibleWhere(ctx), currentMember(ctx)]);
  const grouped = (column: string) =>
    ctx.db.execute<{ key: string; count: number }>(sql`
      select coalesce(${sql.raw(`"documents"."${column}"`)}, 'none') as key, count(*)::int as count from documents
      where ${visible} group by 1 order by 2 desc, 1 asc limit 100`);
  const [totals, byStatus, byCategory, byType, byIndex, recent] = await Promise.all([
    ctx.db.execute<{ total: number; size: string; starred: number; recent: number }>(sql`
      select count(*)::int as total, coalesce(sum("documents"."size_bytes"), 0)::text as size,
        count(*) filter (where exists (
          select 1 from document_stars s where s.document_id = "documents"."id" and s.member_id = ${me.id}))::int as starred,
        count(*) filter (where "documents"."created_at" > now() - make_interval(days => ${RECENT_DAYS}))::int as recent
      from documents where ${visible}`),
    grouped("status"),
    grouped("category"),
    grouped("content_type"),
    grouped("index_status"),
    ctx.db.execute<{ id: string; title: string; created_at: Date | string }>(sql`
      select "documents"."id" as id, "documents"."title" as title, "documents"."created_at" as created_at from documents
      where ${visible} order by "documents"."created_at" desc, "documents"."id" desc limit 5`),
  ]);
  const t = totals.rows[0] ?? { total: 0, size: "0", starred: 0, recent: 0 };
  const asMap = (rows: { key: string; count: number }[]) => Object.fromEntries(rows.map((r) => [r.key, r.count]));
  return {
    total_documents: t.total,
    total_size_bytes: Number(t.size),
    starred_by_me: t.starred,
    recent_count: t.recent,
    recent_days: RECENT_DAYS,
    by_status: asMap(byStatus.rows),
    by_category: asMap(byCategory.rows),
    by_content_type: asMap(byType.rows),
    by_index_status: asMap(byIndex.rows),
    recent: recent.rows.map((r) => ({ id: r.id, title: r.title, created_at: new Date(r.created_at).toISOString() })),
  };
}
