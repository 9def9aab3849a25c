import { and, asc, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { isUniqueViolation } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import { iso } from "../../../platform/openapi";
import { freeSlug, slugify as slugifyName } from "../../../platform/slugs";
import { recordActivity } from "../../activity/service";
import { activities } from "../../activity/tables";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { requirePermission } from "../../permissions/service";
import { type ChannelRow, channelRoom } from "../internal";
import type { ChannelComplete, ChannelCreate, ChannelUpdate, LimitOffsetQuery, ListChannelsQuery } from "../schemas";
import { channelAccess, channelFiles, channelMembers, channels } from "../tables";
import { assertActiveMembers, assertTeams, channelFor, requireManage, unique, visibleChannelsWhere } from "./access";

// ---- the Channel view ------------------------------------------------------------------------

// Spelled out in SQL with "channels"."id": the outer query's channel, whatever drizzle aliases.
const memberCountSql = sql<number>`(select count(*)::int from channel_members x where x.channel_id = "channels"."id")`;

/** Unread: messages after the caller's read marker that are not deleted and not their own. */
const unreadSql = (memberId: string) => sql<number | null>`case when ${channelMembers.id} is null then null else (
  select count(*)::int from messages mm
  where mm.channel_id = "channels"."id" and mm.seq > ${channelMembers.lastReadSeq} and mm.deleted_at is null
    and mm.author_member_id is distinct from ${memberId}::uuid
) end`;

const viewColumns = (memberId: string) => ({
  c: channels,
  memberCount: memberCountSql,
  role: channelMembers.role,
  isStarred: channelMembers.isStarred,
  isMuted: channelMembers.isMuted,
  unread: unreadSql(memberId),
});

type ViewRow = {
  c: ChannelRow;
  memberCount: number;
  role: "admin" | "member" | null;
  isStarred: boolean | null;
  isMuted: boolean | null;
  unread: number | null;
};

function toChannel(r: ViewRow) {
  const c = r.c;
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    description: c.description,
    is_private: c.isPrivate,
    is_archived: c.isArchived,
    is_completed: c.isCompleted,
    completed_at: iso(c.completedAt),
    completed_by_member_id: c.completedByMemberId,
    created_by_member_id: c.createdByMemberId,
    member_count: Number(r.memberCount),
    last_message_seq: Number(c.lastMessageSeq),
    last_message_at: iso(c.lastMessageAt),
    is_member: r.role !== null,
    channel_role: r.role,
    is_starred: r.isStarred ?? false,
    is_muted: r.isMuted ?? false,
    unread_count: r.unread === null ? null : Number(r.unread),
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

const myParticipation = (memberId: string) => and(eq(channelMembers.channelId, channels.id), eq(channelMembers.memberId, memberId));

/** One channel as the caller sees it (access already checked). */
export async function channelView(ctx: ServiceContext, channelId: string) {
  const me = await currentMember(ctx);
  const [r] = await ctx.db
    .select(viewColumns(me.id))
    .from(channels)
    .leftJoin(channelMembers, myParticipation(me.id))
    .where(eq(channels.id, channelId))
    .limit(1);
  if (!r) throw new ServiceError("not_found", "Channel not found");
  return toChannel(r);
}

// ---- list / get ------------------------------------------------------------------------------

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listChannels(ctx: ServiceContext, q: ListChannelsQuery) {
  const me = await currentMember(ctx);
  const where: (SQL | undefined)[] = [await visibleChannelsWhere(ctx, me.id)];
  if (q.search) {
    const p = `%${escapeLike(q.search)}%`;
    where.push(or(ilike(channels.name, p), ilike(channels.slug, p), ilike(channels.description, p)));
  }
  if (q.status === "active") where.push(eq(channels.isArchived, false));
  else if (q.status === "archived") where.push(eq(channels.isArchived, true));
  else if (q.status === "completed") where.push(eq(channels.isCompleted, true));
  if (q.type) where.push(eq(channels.isPrivate, q.type === "private"));
  if (q.is_archived !== undefined) where.push(eq(channels.isArchived, q.is_archived));
  if (q.is_completed !== undefined) where.push(eq(channels.isCompleted, q.is_completed));
  if (q.starred !== undefined) where.push(sql`coalesce(${channelMembers.isStarred}, false) = ${q.starred}`);
  if (q.is_member !== undefined) where.push(q.is_member ? sql`${channelMembers.id} is not null` : sql`${channelMembers.id} is null`);

  const limit = q.limit ?? q.page_size;
  const skip = q.skip ?? (q.page - 1) * limit;
  const rows = await ctx.db
    .select({ ...viewColumns(me.id), total: sql<number>`count(*) over()` })
    .from(channels)
    .leftJoin(channelMembers, myParticipation(me.id))
    .where(and(...where))
    .orderBy(asc(sql`lower(${channels.name})`), asc(channels.id))
    .offset(skip)
    .limit(limit);
  let total = rows[0] ? Number(rows[0].total) : 0;
  if (rows.length === 0 && skip > 0) {
    // Past the end: the window count has no row to ride on.
    const [c] = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(channels)
      .leftJoin(channelMembers, myParticipation(me.id))
      .where(and(...where));
    total = Number(c?.n ?? 0);
  }
  return {
    items: rows.map(toChannel),
    total,
    page: Math.floor(skip / limit) + 1,
    page_size: limit,
    skip,
    limit,
  };
}

export async function getChannel(ctx: ServiceContext, slug: string) {
  const a = await channelFor(ctx, slug);
  return channelView(ctx, a.channel.id);
}

// ---- create ----------------------------------------------------------------------------------

// Static paths beside /channels/{channel_slug}: a channel with such a slug could never be reached.
const RESERVED_SLUGS = new Set(["unread-counts", "stream", "events", "new", "search"]);

export const slugify = (name: string) => slugifyName(name, "channel");

export async function createChannel({ ctx, input }: { ctx: ServiceContext; input: ChannelCreate }) {
  await requirePermission(ctx, "can_create_channel");
  const me = await currentMember(ctx);
  const memberIds = unique(input.member_ids).filter((id) => id !== me.id);
  const teamIds = unique(input.team_ids);
  await assertActiveMembers(ctx.db, memberIds, "member_ids");
  await assertTeams(ctx.db, teamIds, "team_ids");
  const base = slugify(input.name);

  let channel: ChannelRow | undefined;
  // Two creates may pick the same free slug; the unique index makes the loser retry.
  for (let attempt = 0; !channel; attempt++) {
    try {
      channel = await ctx.db.transaction(async (tx) => {
        const slug = await freeSlug(tx, channels, channels.slug, base, RESERVED_SLUGS);
        const [c] = await tx
          .insert(channels)
          .values({
            slug,
            name: input.name,
            description: input.description ?? null,
            isPrivate: input.is_private,
            createdByMemberId: me.id,
          })
          .returning();
        if (!c) throw new ServiceError("internal_error", "Channel was not created");
        await tx
          .insert(channelMembers)
          .values([
            { channelId: c.id, memberId: me.id, role: "admin" as const },
            ...memberIds.map((memberId) => ({ channelId: c.id, memberId, role: "member" as const })),
          ]);
        if (teamIds.length) {
          await tx
            .insert(channelAccess)
            .values(teamIds.map((teamId) => ({ channelId: c.id, teamId, canPost: true, grantedByMemberId: me.id })));
        }
        return c;
      });
    } catch (e) {
      if (isUniqueViolation(e) && attempt < 5) continue;
      throw e;
    }
  }
  await recordActivity(ctx, {
    type: "channel.created",
    subjectType: "channel",
    subjectId: channel.id,
    channelId: channel.id,
    summary: `Created #${channel.slug}`,
    data: { name: channel.name, is_private: channel.isPrivate, member_ids: memberIds, team_ids: teamIds },
  });
  return channelView(ctx, channel.id);
}

// ---- update / archive / complete / delete --------------------------------------------------

export async function updateChannel({ ctx, slug, input }: { ctx: ServiceContext; slug: string; input: ChannelUpdate }) {
  const a = await channelFor(ctx, slug);
  requireManage(a);
  const c = a.channel;
  const set: Partial<typeof channels.$inferInsert> = {};
  const changes: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== c.name) set.name = changes.name = input.name;
  if (input.description !== undefined && input.description !== c.description) set.description = changes.description = input.description;
  if (input.is_private !== undefined && input.is_private !== c.isPrivate) set.isPrivate = changes.is_private = input.is_private;
  const archiving = input.is_archived !== undefined && input.is_archived !== c.isArchived;
  if (archiving) set.isArchived = changes.is_archived = input.is_archived;
  if (Object.keys(set).length === 0) return channelView(ctx, c.id);
  await ctx.db.update(channels).set(set).where(eq(channels.id, c.id));
  await recordActivity(ctx, {
    type: "channel.updated",
    subjectType: "channel",
    subjectId: c.id,
    channelId: c.id,
    summary: `Updated #${c.slug}`,
    data: { changes },
  });
  if (archiving) {
    await recordActivity(ctx, {
      type: input.is_archived ? "channel.archived" : "channel.unarchived",
      subjectType: "channel",
      subjectId: c.id,
      channelId: c.id,
      summary: `${input.is_archived ? "Archived" : "Unarchived"} #${c.slug}`,
    });
  }
  return channelView(ctx, c.id);
}

/**
 * Completing a channel archives it and records who completed it and when; reopening
 * (is_completed false) clears both and unarchives it. Repeating either is a no-op.
 */
export async function completeChannel({ ctx, slug, input }: { ctx: ServiceContext; slug: string; input: ChannelComplete }) {
  const a = await channelFor(ctx, slug);
  requireManage(a);
  const c = a.channel;
  const done = input.is_completed ?? true;
  if (c.isCompleted === done && c.isArchived === done) return channelView(ctx, c.id);
  await ctx.db
    .update(channels)
    .set(
      done
        ? { isCompleted: true, isArchived: true, completedAt: new Date(), completedByMemberId: a.memberId }
        : { isCompleted: false, isArchived: false, completedAt: null, completedByMemberId: null },
    )
    .where(eq(channels.id, c.id));
  await recordActivity(ctx, {
    type: done ? "channel.completed" : "channel.reopened",
    subjectType: "channel",
    subjectId: c.id,
    channelId: c.id,
    summary: `${done ? "Completed" : "Reopened"} #${c.slug}`,
  });
  return channelView(ctx, c.id);
}

/**
 * Hard delete (messages, participants, grants, files, links go with it; R2 objects are removed
 * after the rows). Archiving is `complete` or PUT is_archived; this is for managers who mean it.
 */
export async function deleteChannel(ctx: ServiceContext, slug: string) {
  const a = await channelFor(ctx, slug);
  requireManage(a);
  const c = a.channel;
  const keys = await ctx.db.transaction(async (tx) => {
    const files = await tx.select({ key: channelFiles.r2Key }).from(channelFiles).where(eq(channelFiles.channelId, c.id));
    await tx.delete(channels).where(eq(channels.id, c.id));
    return files.map((f) => f.key);
  });
  for (let i = 0; i < keys.length; i += 1000) await ctx.env.FILES.delete(keys.slice(i, i + 1000));
  await recordActivity(ctx, {
    type: "channel.deleted",
    subjectType: "channel",
    subjectId: c.id,
    channelId: c.id,
    summary: `Deleted #${c.slug}`,
    data: { name: c.name, files_deleted: keys.length },
  });
  // Open streams of the channel can close.
  await channelRoom(ctx, c.id).publish("channel_deleted", { channel_id: c.id });
}

// ---- activities ------------------------------------------------------------------------------

export async function listChannelActivities(ctx: ServiceContext, slug: string, q: LimitOffsetQuery) {
  const a = await channelFor(ctx, slug);
  const rows = await ctx.db
    .select({
      a: activities,
      actorName: sql<string | null>`coalesce(${members.fullName}, ${members.email})`,
      total: sql<number>`count(*) over()`,
    })
    .from(activities)
    .leftJoin(members, eq(members.id, activities.actorMemberId))
    .where(eq(activities.channelId, a.channel.id))
    .orderBy(desc(activities.createdAt), desc(activities.id))
    .offset(q.offset)
    .limit(q.limit);
  const total = rows[0]
    ? Number(rows[0].total)
    : q.offset > 0
      ? await ctx.db.$count(activities, eq(activities.channelId, a.channel.id))
      : 0;
  return {
    items: rows.map((r) => ({
      id: r.a.id,
      type: r.a.type,
      actor_member_id: r.a.actorMemberId,
      actor_name: r.actorName,
      subject_type: r.a.subjectType,
      subject_id: r.a.subjectId,
      channel_id: r.a.channelId,
      summary: r.a.summary,
      data: r.a.data,
      created_at: r.a.createdAt.toISOString(),
    })),
    total,
    limit: q.limit,
    offset: q.offset,
  };
}
