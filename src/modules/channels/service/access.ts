import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
/** The database or a transaction on it. */
import type { Tx } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import type { Role } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";
import { recordActivity } from "../../activity/service";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { getRolePermissions, hasPermission } from "../../permissions/service";
import { myTeamIds } from "../../teams/service";
import { teamMembers, teams } from "../../teams/tables";
import { type ChannelAccess, type ChannelRow, channelRoom, getChannelForActor } from "../internal";
import type { ChannelAccessCreate } from "../schemas";
import { channelAccess, channelMembers, channels } from "../tables";

export type { Tx };

// ---- the caller's access ---------------------------------------------------------------------

/**
 * getChannelForActor (404 when invisible), with one tightening: a viewer never manages, even if
 * they were a channel admin before their workspace role changed (the service never makes a
 * viewer a channel admin, but roles change later).
 */
export async function channelFor(ctx: ServiceContext, slug: string): Promise<ChannelAccess> {
  const a = await getChannelForActor(ctx, slug);
  if (a.canManage && ctx.workspace?.role === "viewer" && !(await hasPermission(ctx, "can_manage_channel"))) {
    return { ...a, canManage: false };
  }
  return a;
}

export function requireManage(a: ChannelAccess): void {
  if (!a.canManage) throw new ServiceError("forbidden", "Only channel admins and members with can_manage_channel can do this");
}

export function requirePost(a: ChannelAccess): void {
  if (a.canPost) return;
  if (a.channel.isArchived) throw new ServiceError("forbidden", "The channel is archived");
  throw new ServiceError("forbidden", "You cannot post in this channel");
}

/**
 * WHERE condition of the channels the caller may see, the same rule as channelAccessFor:
 * everything with can_manage_channel; else participation, a grant (to them or one of their
 * teams), or a public channel with can_view_channel.
 */
export async function visibleChannelsWhere(ctx: ServiceContext, memberId: string): Promise<SQL | undefined> {
  if (await hasPermission(ctx, "can_manage_channel")) return undefined;
  const teamIds = await myTeamIds(ctx);
  const viewPublic = await hasPermission(ctx, "can_view_channel");
  const paths: SQL[] = [
    sql`exists (select 1 from ${channelMembers} where ${channelMembers.channelId} = ${channels.id} and ${channelMembers.memberId} = ${memberId})`,
    sql`exists (select 1 from ${channelAccess} where ${channelAccess.channelId} = ${channels.id} and (${channelAccess.memberId} = ${memberId}${
      teamIds.length ? sql` or ${inArray(channelAccess.teamId, teamIds)}` : sql``
    }))`,
  ];
  if (viewPublic) paths.push(sql`not ${channels.isPrivate}`);
  return sql`(${sql.join(paths, sql` or `)})`;
}

// ---- input checks shared by the verbs ----------------------------------------------------------

export const fieldError = (loc: (string | number)[], msg: string) =>
  new ServiceError("validation_error", msg, { issues: [{ loc, msg, type: "value_error" }] });

/** 422 unless every id is an active member of this workspace; returns their rows. */
export async function assertActiveMembers(db: Tx, ids: string[], field: string) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: members.id, role: members.role })
    .from(members)
    .where(and(inArray(members.id, ids), eq(members.isActive, true)));
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw fieldError(["body", field], `Not active members of this workspace: ${missing.join(", ")}`);
  return rows;
}

/** 422 unless every id is a team of this workspace. */
export async function assertTeams(db: Tx, ids: string[], field: string) {
  if (ids.length === 0) return;
  const rows = await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, ids));
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw fieldError(["body", field], `Not teams of this workspace: ${missing.join(", ")}`);
}

export const unique = (...lists: (string[] | string | undefined | null)[]) =>
  [...new Set(lists.flatMap((l) => (l == null ? [] : Array.isArray(l) ? l : [l])))] as string[];

// ---- grants ----------------------------------------------------------------------------------

type GrantRow = typeof channelAccess.$inferSelect & { memberName: string | null; teamName: string | null };

const grantColumns = {
  id: channelAccess.id,
  channelId: channelAccess.channelId,
  memberId: channelAccess.memberId,
  teamId: channelAccess.teamId,
  canPost: channelAccess.canPost,
  grantedByMemberId: channelAccess.grantedByMemberId,
  createdAt: channelAccess.createdAt,
  memberName: sql<string | null>`coalesce(${members.fullName}, ${members.email})`,
  teamName: teams.name,
};

function toGrant(g: GrantRow) {
  return {
    id: g.id,
    channel_id: g.channelId,
    grantee_type: g.memberId ? ("member" as const) : ("team" as const),
    member_id: g.memberId,
    team_id: g.teamId,
    name: g.memberId ? g.memberName : g.teamName,
    can_post: g.canPost,
    granted_by_member_id: g.grantedByMemberId,
    created_at: g.createdAt.toISOString(),
  };
}

async function grantsOf(db: Tx, channelId: string, where?: SQL) {
  const rows = await db
    .select(grantColumns)
    .from(channelAccess)
    .leftJoin(members, eq(members.id, channelAccess.memberId))
    .leftJoin(teams, eq(teams.id, channelAccess.teamId))
    .where(and(eq(channelAccess.channelId, channelId), where))
    .orderBy(asc(channelAccess.createdAt), asc(channelAccess.id));
  return rows.map(toGrant);
}

/** Anyone who sees the channel sees who it is shared with. */
export async function listChannelAccess(ctx: ServiceContext, slug: string) {
  const a = await channelFor(ctx, slug);
  return grantsOf(ctx.db, a.channel.id);
}

/** Grants (or re-grants with a new can_post) to members and teams; managers only. */
export async function grantChannelAccess({ ctx, slug, input }: { ctx: ServiceContext; slug: string; input: ChannelAccessCreate }) {
  const a = await channelFor(ctx, slug);
  requireManage(a);
  const memberIds = unique(input.member_id, input.member_ids);
  const teamIds = unique(input.team_id, input.team_ids);
  await assertActiveMembers(ctx.db, memberIds, input.member_ids?.length ? "member_ids" : "member_id");
  await assertTeams(ctx.db, teamIds, input.team_ids?.length ? "team_ids" : "team_id");
  const by = a.memberId;
  await ctx.db.transaction(async (tx) => {
    for (const memberId of memberIds) {
      await tx
        .insert(channelAccess)
        .values({ channelId: a.channel.id, memberId, canPost: input.can_post, grantedByMemberId: by })
        .onConflictDoUpdate({
          target: [channelAccess.channelId, channelAccess.memberId],
          targetWhere: sql`${channelAccess.memberId} is not null`,
          set: { canPost: input.can_post, grantedByMemberId: by },
        });
    }
    for (const teamId of teamIds) {
      await tx
        .insert(channelAccess)
        .values({ channelId: a.channel.id, teamId, canPost: input.can_post, grantedByMemberId: by })
        .onConflictDoUpdate({
          target: [channelAccess.channelId, channelAccess.teamId],
          targetWhere: sql`${channelAccess.teamId} is not null`,
          set: { canPost: input.can_post, grantedByMemberId: by },
        });
    }
  });
  await recordActivity(ctx, {
    type: "channel.access_granted",
    subjectType: "channel",
    subjectId: a.channel.id,
    channelId: a.channel.id,
    summary: `Shared #${a.channel.slug} with ${memberIds.length} member(s) and ${teamIds.length} team(s)`,
    data: { member_ids: memberIds, team_ids: teamIds, can_post: input.can_post },
  });
  const conds: SQL[] = [];
  if (memberIds.length) conds.push(inArray(channelAccess.memberId, memberIds));
  if (teamIds.length) conds.push(inArray(channelAccess.teamId, teamIds));
  return grantsOf(ctx.db, a.channel.id, sql`(${sql.join(conds, sql` or `)})`);
}

/**
 * Workspace roles whose permissions (defaults + overrides) include can_manage_channel. Read
 * before a transaction: a request has one connection, so ctx.db inside one would wait forever.
 */
async function managerRoles(ctx: ServiceContext): Promise<Role[]> {
  const roles: Role[] = ["owner", "admin", "member", "viewer"];
  const out: Role[] = [];
  for (const role of roles) {
    const p = await getRolePermissions(ctx, role);
    if (p.permissions.can_manage_channel) out.push(role);
  }
  return out;
}

const idsSql = (ids: string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

/**
 * After a grant is revoked from a private channel: participants among `candidates` who no longer
 * have any way in (no grant of their own or through an active team, not a channel admin, no
 * can_manage_channel through their role) stop participating. Returns everyone among the
 * candidates who can no longer see the channel, so their live streams can be told.
 */
async function settleRevocation(tx: Tx, channel: ChannelRow, roles: Role[], candidates: string[]): Promise<string[]> {
  if (!channel.isPrivate || candidates.length === 0) return [];
  const noOtherWay = (memberCol: SQL) => sql`
    not exists (select 1 from channel_access ca where ca.channel_id = ${channel.id} and ca.member_id = ${memberCol})
    and not exists (
      select 1 from channel_access ca
      join team_members tm on tm.team_id = ca.team_id
      join teams t on t.id = tm.team_id and t.is_active
      where ca.channel_id = ${channel.id} and tm.member_id = ${memberCol}
    )
    ${
      roles.length
        ? sql`and m.role not in (${sql.join(
            roles.map((r) => sql`${r}`),
            sql`, `,
          )})`
        : sql``
    }`;
  await tx.execute(sql`
    delete from channel_members cm using members m
    where m.id = cm.member_id and cm.channel_id = ${channel.id} and cm.role <> 'admin'
      and cm.member_id in (${idsSql(candidates)})
      and ${noOtherWay(sql`cm.member_id`)}`);
  const lost = await tx.execute<{ id: string }>(sql`
    select m.id from members m
    where m.id in (${idsSql(candidates)})
      and not exists (select 1 from channel_members cm where cm.channel_id = ${channel.id} and cm.member_id = m.id)
      and ${noOtherWay(sql`m.id`)}`);
  return lost.rows.map((r) => r.id);
}

/** Tells the channel's live streams who lost access (the stream side closes theirs). */
async function announceRevoked(ctx: ServiceContext, channelId: string, memberIds: string[]) {
  if (memberIds.length === 0) return;
  const room = channelRoom(ctx, channelId);
  await Promise.all(memberIds.map((member_id) => room.publish("access_revoked", { member_id })));
}

export async function revokeMemberAccess(ctx: ServiceContext, slug: string, memberId: string) {
  const a = await channelFor(ctx, slug);
  requireManage(a);
  if (!isUuid(memberId)) throw new ServiceError("not_found", "Access grant not found");
  const roles = a.channel.isPrivate ? await managerRoles(ctx) : [];
  const lost = await ctx.db.transaction(async (tx) => {
    const gone = await tx
      .delete(channelAccess)
      .where(and(eq(channelAccess.channelId, a.channel.id), eq(channelAccess.memberId, memberId)))
      .returning({ id: channelAccess.id });
    if (gone.length === 0) throw new ServiceError("not_found", "Access grant not found");
    return settleRevocation(tx, a.channel, roles, [memberId]);
  });
  await recordActivity(ctx, {
    type: "channel.access_revoked",
    subjectType: "channel",
    subjectId: a.channel.id,
    channelId: a.channel.id,
    summary: `Revoked a member's access to #${a.channel.slug}`,
    data: { member_id: memberId, lost_access: lost },
  });
  await announceRevoked(ctx, a.channel.id, lost);
}

export async function revokeTeamAccess(ctx: ServiceContext, slug: string, teamId: string) {
  const a = await channelFor(ctx, slug);
  requireManage(a);
  if (!isUuid(teamId)) throw new ServiceError("not_found", "Access grant not found");
  const roles = a.channel.isPrivate ? await managerRoles(ctx) : [];
  const lost = await ctx.db.transaction(async (tx) => {
    const gone = await tx
      .delete(channelAccess)
      .where(and(eq(channelAccess.channelId, a.channel.id), eq(channelAccess.teamId, teamId)))
      .returning({ id: channelAccess.id });
    if (gone.length === 0) throw new ServiceError("not_found", "Access grant not found");
    const inTeam = await tx.select({ id: teamMembers.memberId }).from(teamMembers).where(eq(teamMembers.teamId, teamId));
    return settleRevocation(
      tx,
      a.channel,
      roles,
      inTeam.map((r) => r.id),
    );
  });
  await recordActivity(ctx, {
    type: "channel.access_revoked",
    subjectType: "channel",
    subjectId: a.channel.id,
    channelId: a.channel.id,
    summary: `Revoked a team's access to #${a.channel.slug}`,
    data: { team_id: teamId, lost_access: lost },
  });
  await announceRevoked(ctx, a.channel.id, lost);
}

/** The caller's effective permissions on a channel (404 if they cannot see it). */
export async function channelPermissions(ctx: ServiceContext, slug: string) {
  const a = await channelFor(ctx, slug);
  const me = await currentMember(ctx);
  return {
    channel_id: a.channel.id,
    channel_slug: a.channel.slug,
    is_member: !!a.participant,
    channel_role: a.participant?.role ?? null,
    can_view: a.canView,
    can_post: a.canPost,
    can_manage: a.canManage,
    can_join: !a.participant && !a.channel.isArchived && me.isActive,
    can_leave: !!a.participant,
    can_add_members: a.canManage,
    can_manage_access: a.canManage,
    can_edit: a.canManage,
    can_delete: a.canManage,
  };
}
