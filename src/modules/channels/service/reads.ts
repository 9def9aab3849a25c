import { and, asc, eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { forbidden, ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { currentMember } from "../../members/service";
import { type ChannelAccess, getChannelForActor } from "../internal";
import type { ReadStatus } from "../schemas-conversation";
import { channelMembers, channels, messages } from "../tables";
import { publishChannelEvent } from "./live";

/** Unread: after the marker, live (not deleted, not squashed), written by someone else. */
const unreadAfter = (channelId: unknown, seq: unknown, memberId: string) => sql<number>`(
  select count(*)::int from ${messages} m
  where m.channel_id = ${channelId} and m.seq > ${seq} and m.deleted_at is null
    and m.author_member_id is distinct from ${memberId})`;

/** Unread counts of every channel the caller participates in (participants always see their channels). */
export async function unreadCounts(ctx: ServiceContext) {
  const me = await currentMember(ctx);
  const rows = await ctx.db
    .select({
      channelId: channels.id,
      slug: channels.slug,
      name: channels.name,
      lastReadSeq: channelMembers.lastReadSeq,
      lastMessageSeq: channels.lastMessageSeq,
      lastMessageAt: channels.lastMessageAt,
      isMuted: channelMembers.isMuted,
      isStarred: channelMembers.isStarred,
      // Skips the count when nothing was posted after the marker.
      unread: sql<number>`case when ${channels.lastMessageSeq} > ${channelMembers.lastReadSeq}
        then ${unreadAfter(channels.id, channelMembers.lastReadSeq, me.id)} else 0 end`,
    })
    .from(channelMembers)
    .innerJoin(channels, eq(channels.id, channelMembers.channelId))
    .where(eq(channelMembers.memberId, me.id))
    .orderBy(asc(channels.name), asc(channels.id));
  const list = rows.map((r) => ({
    channel_id: r.channelId,
    channel_slug: r.slug,
    channel_name: r.name,
    unread_count: Number(r.unread),
    last_read_seq: r.lastReadSeq,
    last_message_seq: r.lastMessageSeq,
    last_message_at: r.lastMessageAt?.toISOString() ?? null,
    is_muted: r.isMuted,
    is_starred: r.isStarred,
  }));
  return { channels: list, total_unread: list.reduce((n, c) => n + (c.is_muted ? 0 : c.unread_count), 0) };
}

/** The read status of a participant row (one query: the marker's message and the unread count). */
async function statusOf(
  ctx: ServiceContext,
  access: ChannelAccess,
  p: { lastReadSeq: number; lastReadAt: Date | null } | undefined,
): Promise<ReadStatus> {
  const c = access.channel;
  const base = { channel_id: c.id, channel_slug: c.slug, member_id: access.memberId, last_message_seq: c.lastMessageSeq };
  if (!p) return { ...base, is_participant: false, last_read_seq: 0, last_read_message_id: null, last_read_at: null, unread_count: 0 };
  // The message at the marker (a live one when a summary shares its seq) and the unread count.
  const res = await ctx.db.execute(sql`select
    (select m.id from ${messages} m where m.channel_id = ${c.id} and m.seq = ${p.lastReadSeq}
      order by (m.deleted_at is null) desc limit 1) as message_id,
    ${unreadAfter(c.id, p.lastReadSeq, access.memberId)} as unread`);
  const r = res.rows[0] as { message_id: string | null; unread: number | string } | undefined;
  return {
    ...base,
    last_message_seq: Math.max(c.lastMessageSeq, p.lastReadSeq),
    is_participant: true,
    last_read_seq: p.lastReadSeq,
    last_read_message_id: r?.message_id ?? null,
    last_read_at: p.lastReadAt?.toISOString() ?? null,
    unread_count: Number(r?.unread ?? 0),
  };
}

/** GET read-status: last_read_message_id, last_read_at, unread_count (zeros for non-participants). */
export async function readStatus(ctx: ServiceContext, slug: string): Promise<ReadStatus> {
  const access = await getChannelForActor(ctx, slug);
  return statusOf(ctx, access, access.participant);
}

/**
 * Marks the channel read up to `messageId` (else up to the newest message). High-water mark:
 * the position only moves forward — marking an older message (scrolling up) keeps the saved
 * position — while last_read_at always records the visit. A move publishes "read".
 */
export async function markRead(ctx: ServiceContext, slug: string, messageId: string | undefined): Promise<ReadStatus> {
  const access = await getChannelForActor(ctx, slug);
  const p = access.participant;
  if (!p) throw forbidden("Only channel participants have a read position; join the channel first");
  let seq = access.channel.lastMessageSeq;
  if (messageId !== undefined) {
    if (!isUuid(messageId)) throw new ServiceError("not_found", "Message not found");
    const [m] = await ctx.db
      .select({ seq: messages.seq })
      .from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.channelId, access.channel.id)))
      .limit(1);
    if (!m) throw new ServiceError("not_found", "Message not found");
    seq = m.seq;
  }
  const now = new Date();
  const [row] = await ctx.db
    .update(channelMembers)
    .set({ lastReadSeq: sql`greatest(${channelMembers.lastReadSeq}, ${seq}::bigint)`, lastReadAt: now, updatedAt: now })
    .where(eq(channelMembers.id, p.id))
    .returning({ lastReadSeq: channelMembers.lastReadSeq, lastReadAt: channelMembers.lastReadAt });
  if (!row) throw forbidden("Only channel participants have a read position; join the channel first");
  const status = await statusOf(ctx, access, row);
  if (row.lastReadSeq > p.lastReadSeq) {
    await publishChannelEvent(ctx, access.channel.id, "read", {
      member_id: access.memberId,
      last_read_seq: status.last_read_seq,
      last_read_message_id: status.last_read_message_id,
      last_read_at: status.last_read_at,
    });
  }
  return status;
}
