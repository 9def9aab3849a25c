import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { members } from "../members/tables";
import { teamMembers, teams } from "./tables";

type TeamRow = typeof teams.$inferSelect;

/**
 * Active workspace members in the team (inactive members keep their rows but do not count).
 * Spelled out in SQL: drizzle drops table names from columns of single-table selects, which
 * would make `id` ambiguous inside this subquery.
 */
export const memberCountSql = sql<number>`(
  select count(*)::int from team_members tm
  inner join members m on m.id = tm.member_id
  where tm.team_id = "teams"."id" and m.is_active
)`;

export function toTeam(t: TeamRow, memberCount: number) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    color: t.color,
    icon: t.icon,
    parent_team_id: t.parentTeamId,
    lead_member_id: t.leadMemberId,
    is_active: t.isActive,
    created_by_member_id: t.createdByMemberId,
    member_count: memberCount,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

/** A team with its member count, or 404 (ids that are not UUIDs are simply not found). */
export async function getTeamOrThrow(db: Db, teamId: string) {
  if (!isUuid(teamId)) throw new ServiceError("not_found", "Team not found");
  const [r] = await db.select({ t: teams, count: memberCountSql }).from(teams).where(eq(teams.id, teamId)).limit(1);
  if (!r) throw new ServiceError("not_found", "Team not found");
  return r;
}

export const teamMemberColumns = {
  tm: teamMembers,
  email: members.email,
  fullName: members.fullName,
  avatarUrl: members.avatarUrl,
};

type TeamMemberJoined = { tm: typeof teamMembers.$inferSelect; email: string; fullName: string | null; avatarUrl: string | null };

export function toTeamMember(r: TeamMemberJoined) {
  return {
    id: r.tm.id,
    team_id: r.tm.teamId,
    member_id: r.tm.memberId,
    role: r.tm.role,
    email: r.email,
    full_name: r.fullName,
    avatar_url: r.avatarUrl,
    created_at: r.tm.createdAt.toISOString(),
    updated_at: r.tm.updatedAt.toISOString(),
  };
}

/** One team membership joined with the member's profile, or 404. */
export async function getTeamMemberOrThrow(db: Db, teamId: string, memberId: string) {
  if (!isUuid(memberId)) throw new ServiceError("not_found", "Team member not found");
  const [r] = await db
    .select(teamMemberColumns)
    .from(teamMembers)
    .innerJoin(members, eq(members.id, teamMembers.memberId))
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.memberId, memberId)))
    .limit(1);
  if (!r) throw new ServiceError("not_found", "Team member not found");
  return r;
}

/** Member ids with role "lead" in the team: the team's owners for "own" permissions. */
export async function leadMemberIds(db: Db, teamId: string): Promise<string[]> {
  const rows = await db
    .select({ id: teamMembers.memberId })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.role, "lead")));
  return rows.map((r) => r.id);
}

/** An active member of the workspace (this tenant database is the workspace). */
export async function isActiveMember(db: Db, memberId: string): Promise<boolean> {
  const [r] = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.id, memberId), eq(members.isActive, true)))
    .limit(1);
  return !!r;
}
