import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { recordActivity } from "../../activity/service";
import { members } from "../../members/tables";
import { type ChannelAccess, channelRoom } from "../internal";
import type { ChannelMembersAdd, ChannelMute, ChannelStar } from "../schemas";
import { channelMembers } from "../tables";
import { assertActiveMembers, channelFor, fieldError, requireManage, unique } from "./access";

const participantColumns = {
  p: channelMembers,
  email: members.email,
  fullName: members.fullName,
  displayName: members.displayName,
  avatarUrl: members.avatarUrl,
  workspaceRole: members.role,
};

type ParticipantRow = {
  p: typeof channelMembers.$inferSelect;
  email: string;
  fullName: string | null;
  displayName: string | null;
  avatarUrl: string | null;
  workspaceRole: string;
};

function toParticipant(r: ParticipantRow) {
  return {
    id: r.p.id,
    channel_id: r.p.channelId,
    member_id: r.p.memberId,
    role: r.p.role,
    email: r.email,
    full_name: r.fullName,
    display_name: r.displayName,
    avatar_url: r.avatarUrl,
    workspace_role: r.workspaceRole,
    joined_at: r.p.createdAt.toISOString(),
  };
}

async function participants(ctx: ServiceContext, channelId: string, where?: SQL) {
  const rows = await ctx.db
    .select(participantColumns)
    .from(channelMembers)
    .innerJoin(members, eq(members.id, channelMembers.memberId))
    .where(and(eq(channelMembers.channelId, channelId), where))
    // Channel admins first, then by name.
    .orderBy(
      sql`case when ${channelMembers.role} = 'admin' then 0 else 1 end`,
      asc(sql`lower(coalesce(${members.fullName}, ${members.email}))`),
      asc(channelMembers.id),
    );
  return rows.map(toParticipant);
}

/** Participants with their member profiles; anyone who sees the channel sees them. */
export async function listChannelMembers(ctx: ServiceContext, slug: string) {
  const a = await channelFor(ctx, slug);
  return participants(ctx, a.channel.id);
}

/**
 * Managers add participants (which also lets them see a private channel). New participants are
 * members unless `role` says otherwise; for existing ones a given `role` changes their role.
 */
export async function addChannelMembers({ ctx, slug, input }: { ctx: ServiceContext; slug: string; input: ChannelMembersAdd }) {
  const a = await channelFor(ctx, slug);
  requireManage(a);
  const ids = unique(input.member_id, input.member_ids);
  const field = input.member_ids?.length ? "member_ids" : "member_id";
  const rows = await assertActiveMembers(ctx.db, ids, field);
  if (input.role === "admin" && rows.some((r) => r.role === "viewer"))
    throw fieldError(["body", "role"], "Viewers cannot be channel admins");
  const inserted = await ctx.db.transaction(async (tx) => {
    const values = ids.map((memberId) => ({ channelId: a.channel.id, memberId, role: input.role ?? ("member" as const) }));
    const q = tx.insert(channelMembers).values(values);
    const done = input.role
      ? await q
          .onConflictDoUpdate({ target: [channelMembers.channelId, channelMembers.memberId], set: { role: input.role } })
          .returning({ memberId: channelMembers.memberId })
      : await q.onConflictDoNothing().returning({ memberId: channelMembers.memberId });
    return done.map((d) => d.memberId);
  });
  if (inserted.length) {
    await recordActivity(ctx, {
      type: "channel.member_added",
      subjectType: "channel",
      subjectId: a.channel.id,
      channelId: a.channel.id,
      summary: `Added ${inserted.length} member(s) to #${a.channel.slug}`,
      data: { member_ids: inserted, role: input.role ?? "member" },
    });
  }
  return participants(ctx, a.channel.id, inArray(channelMembers.memberId, ids));
}

/**
 * The caller joins: any visible channel (public with can_view_channel, or private with a grant
 * or can_manage_channel). Joining again returns the existing participation.
 */
export async function joinChannel(ctx: ServiceContext, slug: string) {
  const a = await channelFor(ctx, slug);
  if (!a.participant) {
    if (a.channel.isArchived) throw new ServiceError("conflict", "The channel is archived");
    const added = await ctx.db
      .insert(channelMembers)
      .values({ channelId: a.channel.id, memberId: a.memberId, role: "member" })
      .onConflictDoNothing()
      .returning({ id: channelMembers.id });
    if (added.length) {
      await recordActivity(ctx, {
        type: "channel.joined",
        subjectType: "channel",
        subjectId: a.channel.id,
        channelId: a.channel.id,
        summary: `Joined #${a.channel.slug}`,
      });
      await channelRoom(ctx, a.channel.id).publish("member_joined", { member_id: a.memberId });
    }
  }
  const [p] = await participants(ctx, a.channel.id, eq(channelMembers.memberId, a.memberId));
  if (!p) throw new ServiceError("conflict", "You left the channel while joining it");
  return p;
}

/** The caller leaves. Workspace managers still manage a channel left without channel admins. */
export async function leaveChannel(ctx: ServiceContext, slug: string) {
  const a = await channelFor(ctx, slug);
  const gone = await ctx.db
    .delete(channelMembers)
    .where(and(eq(channelMembers.channelId, a.channel.id), eq(channelMembers.memberId, a.memberId)))
    .returning({ id: channelMembers.id });
  if (gone.length) {
    await recordActivity(ctx, {
      type: "channel.left",
      subjectType: "channel",
      subjectId: a.channel.id,
      channelId: a.channel.id,
      summary: `Left #${a.channel.slug}`,
    });
    // The stream side re-checks whether the member still sees the channel.
    await channelRoom(ctx, a.channel.id).publish("member_left", { member_id: a.memberId });
  }
  return { channel_id: a.channel.id, member_id: a.memberId, left: gone.length > 0 };
}

function requireParticipant(a: ChannelAccess) {
  if (!a.participant) throw new ServiceError("conflict", "Join the channel first");
}

/** Star or mute for the caller only: set to the given value, or toggle when none is given. */
async function setPreference(ctx: ServiceContext, slug: string, field: "isStarred" | "isMuted", value: boolean | undefined) {
  const a = await channelFor(ctx, slug);
  requireParticipant(a);
  const col = channelMembers[field];
  const [p] = await ctx.db
    .update(channelMembers)
    .set({ [field]: value === undefined ? sql`not ${col}` : value })
    .where(and(eq(channelMembers.channelId, a.channel.id), eq(channelMembers.memberId, a.memberId)))
    .returning({ isStarred: channelMembers.isStarred, isMuted: channelMembers.isMuted });
  if (!p) throw new ServiceError("conflict", "Join the channel first");
  return { channel_id: a.channel.id, channel_slug: a.channel.slug, is_starred: p.isStarred, is_muted: p.isMuted };
}

export const starChannel = (ctx: ServiceContext, slug: string, input: ChannelStar) =>
  setPreference(ctx, slug, "isStarred", input.is_starred);
export const muteChannel = (ctx: ServiceContext, slug: string, input: ChannelMute) => setPreference(ctx, slug, "isMuted", input.is_muted);
