import { and, count, desc, eq, inArray, ne, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { recordActivity } from "../../activity/service";
import { getRecordForActor } from "../../records/internal";
import { insightForActor, toInsight } from "../internal";
import type { InsightActionBody, ListInsightsQuery } from "../schemas";
import { recordInsights } from "../tables";

/** Newest first; dismissed ones only with include_dismissed. Needs view. */
export async function listInsights(ctx: ServiceContext, recordId: string, q: ListInsightsQuery) {
  const { record } = await getRecordForActor(ctx, recordId, "view");
  const where: SQL[] = [eq(recordInsights.recordId, record.id)];
  if (q.insight_type?.length) where.push(inArray(recordInsights.type, q.insight_type));
  if (!q.include_dismissed) where.push(ne(recordInsights.status, "dismissed"));
  const cond = and(...where);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(recordInsights)
      .where(cond)
      .orderBy(desc(recordInsights.createdAt), desc(recordInsights.id))
      .offset((q.page - 1) * q.page_size)
      .limit(q.page_size),
    ctx.db.select({ n: count() }).from(recordInsights).where(cond),
  ]);
  return { items: rows.map(toInsight), total: total?.n ?? 0, page: q.page, page_size: q.page_size };
}

/** active → dismissed (idempotent); an actioned insight stays actioned (409). */
export async function dismissInsight(ctx: ServiceContext, insightId: string) {
  const { row, record, memberId } = await insightForActor(ctx, insightId, "edit");
  if (row.status === "dismissed") return toInsight(row);
  if (row.status === "actioned") throw new ServiceError("conflict", "This insight was already acted on");
  const [u] = await ctx.db
    .update(recordInsights)
    .set({ status: "dismissed", dismissedAt: new Date(), dismissedByMemberId: memberId })
    .where(eq(recordInsights.id, row.id))
    .returning();
  await recordActivity(ctx, {
    type: "record_insight.dismissed",
    subjectType: "record",
    subjectId: record.id,
    summary: `Dismissed insight "${row.title}"`,
    data: { insight_id: row.id, recordset_id: record.recordsetId },
  });
  return toInsight(u ?? row);
}

/** active or dismissed → actioned, with an optional note (acting on it again keeps the first time). */
export async function markInsightActioned(ctx: ServiceContext, insightId: string, input: InsightActionBody) {
  const { row, record, memberId } = await insightForActor(ctx, insightId, "edit");
  if (row.status === "actioned") return toInsight(row);
  const [u] = await ctx.db
    .update(recordInsights)
    .set({ status: "actioned", actionedAt: new Date(), actionedByMemberId: memberId, actionNote: input.note ?? null })
    .where(eq(recordInsights.id, row.id))
    .returning();
  await recordActivity(ctx, {
    type: "record_insight.actioned",
    subjectType: "record",
    subjectId: record.id,
    summary: `Acted on insight "${row.title}"`,
    data: { insight_id: row.id, recordset_id: record.recordsetId },
  });
  return toInsight(u ?? row);
}
