import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { recordActivity } from "../../activity/service";
import type { ChannelRecordsAdd, LimitOffsetQuery } from "../schemas";
import { channelRecords } from "../tables";
import { channelFor, unique } from "./access";

type LinkRow = typeof channelRecords.$inferSelect;

function toLink(r: LinkRow) {
  return {
    id: r.id,
    channel_id: r.channelId,
    record_id: r.recordId,
    recordset_id: r.recordsetId,
    note: r.note,
    added_by_member_id: r.addedByMemberId,
    created_at: r.createdAt.toISOString(),
  };
}

export async function listChannelRecords(ctx: ServiceContext, slug: string, q: LimitOffsetQuery) {
  const a = await channelFor(ctx, slug);
  const rows = await ctx.db
    .select({ r: channelRecords, total: sql<number>`count(*) over()` })
    .from(channelRecords)
    .where(eq(channelRecords.channelId, a.channel.id))
    .orderBy(desc(channelRecords.createdAt), desc(channelRecords.id))
    .offset(q.offset)
    .limit(q.limit);
  const total = rows[0]
    ? Number(rows[0].total)
    : q.offset > 0
      ? await ctx.db.$count(channelRecords, eq(channelRecords.channelId, a.channel.id))
      : 0;
  return { items: rows.map((r) => toLink(r.r)), total, limit: q.limit, offset: q.offset };
}

/**
 * Links records (by id; the records module owns them) to the channel. Whoever may post, or
 * manage, may link. Links that already exist are kept as they are and returned.
 */
export async function linkChannelRecords({ ctx, slug, input }: { ctx: ServiceContext; slug: string; input: ChannelRecordsAdd }) {
  const a = await channelFor(ctx, slug);
  if (!a.canPost && !a.canManage) throw new ServiceError("forbidden", "You cannot add records to this channel");
  const ids = unique(input.record_id, input.record_ids);
  const added = await ctx.db
    .insert(channelRecords)
    .values(
      ids.map((recordId) => ({
        channelId: a.channel.id,
        recordId,
        recordsetId: input.recordset_id ?? null,
        note: input.note || null,
        addedByMemberId: a.memberId,
      })),
    )
    .onConflictDoNothing()
    .returning({ recordId: channelRecords.recordId });
  if (added.length) {
    await recordActivity(ctx, {
      type: "channel.record_linked",
      subjectType: "channel",
      subjectId: a.channel.id,
      channelId: a.channel.id,
      summary: `Linked ${added.length} record(s) to #${a.channel.slug}`,
      data: { record_ids: added.map((r) => r.recordId), recordset_id: input.recordset_id ?? null },
    });
  }
  const rows = await ctx.db
    .select()
    .from(channelRecords)
    .where(and(eq(channelRecords.channelId, a.channel.id), inArray(channelRecords.recordId, ids)))
    .orderBy(desc(channelRecords.createdAt), desc(channelRecords.id));
  return rows.map(toLink);
}

/** Whoever linked the record, or a channel manager, may unlink it. */
export async function unlinkChannelRecord(ctx: ServiceContext, slug: string, recordId: string) {
  const a = await channelFor(ctx, slug);
  if (!isUuid(recordId)) throw new ServiceError("not_found", "Record is not linked to this channel");
  const [link] = await ctx.db
    .select()
    .from(channelRecords)
    .where(and(eq(channelRecords.channelId, a.channel.id), eq(channelRecords.recordId, recordId)))
    .limit(1);
  if (!link) throw new ServiceError("not_found", "Record is not linked to this channel");
  if (!a.canManage && link.addedByMemberId !== a.memberId) {
    throw new ServiceError("forbidden", "Only whoever linked the record and channel managers can remove it");
  }
  await ctx.db.delete(channelRecords).where(eq(channelRecords.id, link.id));
  await recordActivity(ctx, {
    type: "channel.record_unlinked",
    subjectType: "channel",
    subjectId: a.channel.id,
    channelId: a.channel.id,
    summary: `Removed a record from #${a.channel.slug}`,
    data: { record_id: recordId },
  });
}
