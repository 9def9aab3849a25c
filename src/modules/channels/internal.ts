import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { type RoomClient, roomClient } from "../../platform/clients/rooms";
import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { currentMember } from "../members/service";
import { hasPermission } from "../permissions/service";
import { myTeamIds } from "../teams/service";
import { channelAccess, channelMembers, channels } from "./tables";

export type ChannelRow = typeof channels.$inferSelect;

export interface ChannelAccess {
  channel: ChannelRow;
  memberId: string;
  /** The caller's participant row, if they joined. */
  participant: typeof channelMembers.$inferSelect | undefined;
  canView: boolean;
  canPost: boolean;
  /** Channel admin, or a workspace member holding can_manage_channel. */
  canManage: boolean;
}

/**
 * The one access check for channels. Public channels: anyone with can_view_channel sees them.
 * Private channels: participants, members granted access (directly or through a team), and
 * holders of can_manage_channel. Invisible channels are 404, never 403.
 */
export async function channelAccessFor(ctx: ServiceContext, channel: ChannelRow): Promise<ChannelAccess> {
  const me = await currentMember(ctx);
  const [participant] = await ctx.db
    .select()
    .from(channelMembers)
    .where(and(eq(channelMembers.channelId, channel.id), eq(channelMembers.memberId, me.id)))
    .limit(1);
  const manageAll = await hasPermission(ctx, "can_manage_channel");
  const teamIds = await myTeamIds(ctx);
  const grants = await ctx.db
    .select()
    .from(channelAccess)
    .where(
      and(
        eq(channelAccess.channelId, channel.id),
        teamIds.length ? or(eq(channelAccess.memberId, me.id), inArray(channelAccess.teamId, teamIds)) : eq(channelAccess.memberId, me.id),
      ),
    );
  const canView = manageAll || !!participant || grants.length > 0 || (!channel.isPrivate && (await hasPermission(ctx, "can_view_channel")));
  const mayPost = await hasPermission(ctx, "can_post_message");
  const grantBlocksPost = !participant && grants.length > 0 && grants.every((g) => !g.canPost);
  return {
    channel,
    memberId: me.id,
    participant,
    canView,
    canPost: canView && mayPost && !channel.isArchived && !grantBlocksPost,
    // A channel admin whose workspace role fell to viewer no longer manages anything.
    canManage: manageAll || (participant?.role === "admin" && ctx.workspace?.role !== "viewer"),
  };
}

/** What decides which channels someone sees, for set-based (SQL) checks. */
export interface ChannelViewer {
  memberId: string;
  teamIds: string[];
  /** can_manage_channel: sees every channel. */
  manageAll: boolean;
  /** can_view_channel: sees public channels. */
  viewPublic: boolean;
}

/**
 * channelAccessFor()'s visibility rule as a set, for lists and feeds: a subquery of the ids of
 * channels the viewer sees (public ones with can_view_channel, ones they participate in, ones
 * granted to them or their teams). Undefined when they see every channel.
 */
export function visibleChannelIdsSql(v: ChannelViewer): SQL | undefined {
  if (v.manageAll) return undefined;
  const grantees = v.teamIds.length
    ? sql`(${channelAccess.memberId} = ${v.memberId} OR ${inArray(channelAccess.teamId, v.teamIds)})`
    : sql`${channelAccess.memberId} = ${v.memberId}`;
  return sql`SELECT ${channels.id} FROM ${channels} WHERE ${v.viewPublic ? sql`NOT ${channels.isPrivate}` : sql`false`}
    UNION SELECT ${channelMembers.channelId} FROM ${channelMembers} WHERE ${channelMembers.memberId} = ${v.memberId}
    UNION SELECT ${channelAccess.channelId} FROM ${channelAccess} WHERE ${grantees}`;
}

/** Fetch-or-404 by slug, with the caller's access; invisible channels are 404 too. */
export async function getChannelForActor(ctx: ServiceContext, slug: string): Promise<ChannelAccess> {
  const [channel] = await ctx.db.select().from(channels).where(eq(channels.slug, slug)).limit(1);
  if (!channel) throw new ServiceError("not_found", "Channel not found");
  const access = await channelAccessFor(ctx, channel);
  if (!access.canView) throw new ServiceError("not_found", "Channel not found");
  return access;
}

/** The ChannelRoom Durable Object of a channel (one per workspace + channel). */
export function channelRoom(ctx: ServiceContext, channelId: string): RoomClient {
  const ns = ctx.env.CHANNEL_ROOM;
  return roomClient(ns.get(ns.idFromName(`${ctx.workspace?.id}:${channelId}`)));
}
