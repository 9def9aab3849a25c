import { and, asc, eq, ilike, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { type Db, isUniqueViolation, type Tx } from "../../platform/db";
import { ServiceError } from "../../platform/errors";
import { currentMember } from "../members/service";
import { members } from "../members/tables";
import { canAccessObject, hasPermission, type ObjectAccess, requireObjectAccess, requirePermission } from "../permissions/service";
import {
  getTeamMemberOrThrow,
  getTeamOrThrow,
  isActiveMember,
  leadMemberIds,
  memberCountSql,
  teamMemberColumns,
  toTeam,
  toTeamMember,
} from "./internal";
import type { ListTeamsQuery, TeamCreate, TeamMemberAdd, TeamMemberUpdate, TeamUpdate } from "./schemas";
import { type TeamRole, teamMembers, teams } from "./tables";

type TeamRow = typeof teams.$inferSelect;
/** The database or a transaction on it. */

// ---- shared lookups -------------------------------------------------------------------------

const teamIdsCache = new WeakMap<ServiceContext, Promise<string[]>>();

/**
 * Ids of the active teams the caller's member belongs to, once per request. Other modules use
 * it for object grants (`canAccessObject(..., { memberId, teamIds })`).
 */
export function myTeamIds(ctx: ServiceContext): Promise<string[]> {
  let p = teamIdsCache.get(ctx);
  if (!p) {
    p = currentMember(ctx).then(async (m) => {
      const rows = await ctx.db
        .select({ id: teamMembers.teamId })
        .from(teamMembers)
        .innerJoin(teams, eq(teams.id, teamMembers.teamId))
        .where(and(eq(teamMembers.memberId, m.id), eq(teams.isActive, true)));
      return rows.map((r) => r.id);
    });
    teamIdsCache.set(ctx, p);
  }
  return p;
}

async function me(ctx: ServiceContext) {
  const [m, teamIds] = await Promise.all([currentMember(ctx), myTeamIds(ctx)]);
  return { memberId: m.id, teamIds };
}

/** canAccessObject, without loading the caller's member and teams when the wide permission holds. */
async function allowed(ctx: ServiceContext, access: ObjectAccess): Promise<boolean> {
  if (await hasPermission(ctx, access.permission)) return true;
  return canAccessObject(ctx, access, await me(ctx));
}

/**
 * The team, if the caller may see it: can_view_team sees every team; without it (a role
 * override) a member still sees the active teams they belong to. Anything else is a 404.
 */
async function visibleTeam(ctx: ServiceContext, teamId: string) {
  const r = await getTeamOrThrow(ctx.db, teamId);
  if (!(await allowed(ctx, { permission: "can_view_team", grantedTeamIds: [r.t.id] }))) {
    throw new ServiceError("not_found", "Team not found");
  }
  return r;
}

/** Editing a team: can_edit_team, or can_edit_own_team for a lead of the team. */
async function requireEdit(ctx: ServiceContext, team: TeamRow) {
  if (await hasPermission(ctx, "can_edit_team")) return;
  const ownerMemberIds = await leadMemberIds(ctx.db, team.id);
  await requireObjectAccess(ctx, { permission: "can_edit_team", ownPermission: "can_edit_own_team", ownerMemberIds }, await me(ctx));
}

/**
 * Adding, removing and re-roling team members: can_manage_team_members, or a lead of the team
 * who may edit the teams they lead (can_edit_own_team). Taking "lead" through the own-edit
 * permission keeps roles without it (viewers) read-only even when made a lead.
 */
async function requireManageMembers(ctx: ServiceContext, team: TeamRow) {
  if (await hasPermission(ctx, "can_manage_team_members")) return;
  const ownerMemberIds = await leadMemberIds(ctx.db, team.id);
  await requireObjectAccess(
    ctx,
    { permission: "can_manage_team_members", ownPermission: "can_edit_own_team", ownerMemberIds },
    await me(ctx),
  );
}

const fieldError = (field: string, msg: string) =>
  new ServiceError("validation_error", msg, { issues: [{ loc: ["body", field], msg, type: "value_error" }] });

const nameTaken = (name: string) => new ServiceError("conflict", `An active team named "${name}" already exists at that level`);

async function assertParentExists(db: Tx, parentId: string) {
  const [p] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, parentId)).limit(1);
  if (!p) throw fieldError("parent_team_id", "Parent team not found in this workspace");
}

/** 422 when `parentId` is `teamId` or one of its descendants (the team would be its own ancestor). */
async function assertNoCycle(db: Tx, teamId: string, parentId: string) {
  if (parentId === teamId) throw fieldError("parent_team_id", "A team cannot be its own parent");
  // Walk up from the proposed parent; UNION (not UNION ALL) stops even on corrupt cyclic data.
  const rows = await db.execute<{ id: string }>(sql`
    with recursive ancestors(id, parent_team_id) as (
      select id, parent_team_id from ${teams} where id = ${parentId}
      union
      select t.id, t.parent_team_id from ${teams} t inner join ancestors a on t.id = a.parent_team_id
    )
    select id from ancestors`);
  const ids = rows.rows.map((r) => r.id);
  if (ids.length === 0) throw fieldError("parent_team_id", "Parent team not found in this workspace");
  if (ids.includes(teamId)) throw fieldError("parent_team_id", "A team cannot be moved under one of its own sub-teams");
}

async function assertLeadCandidate(db: Db, memberId: string) {
  if (!(await isActiveMember(db, memberId))) throw fieldError("lead_member_id", "Not an active member of this workspace");
}

/**
 * Changes to the hierarchy (re-parenting, deleting) take one transaction-scoped advisory lock,
 * so two concurrent moves cannot each pass the cycle check and together make a loop.
 */
const lockHierarchy = (tx: Tx) => tx.execute(sql`select pg_advisory_xact_lock(hashtext('atrium.teams.hierarchy'))`);

/** Makes the member a lead of the team, adding them if needed (the caller sets `lead_member_id`). */
async function makeLead(tx: Tx, teamId: string, memberId: string) {
  await tx
    .insert(teamMembers)
    .values({ teamId, memberId, role: "lead" })
    .onConflictDoUpdate({ target: [teamMembers.teamId, teamMembers.memberId], set: { role: "lead" } });
}

/**
 * Keeps `lead_member_id` pointing at a current lead: it is filled when empty and a lead exists,
 * and when the primary lead leaves (or is demoted) the longest-standing remaining lead takes over.
 */
async function settlePrimaryLead(tx: Tx, teamId: string) {
  await tx.execute(sql`
    update ${teams} set lead_member_id = (
      select tm.member_id from ${teamMembers} tm
      where tm.team_id = ${teamId} and tm.role = 'lead'
      order by tm.created_at, tm.id limit 1
    ), updated_at = now()
    where id = ${teamId} and (
      lead_member_id is null
      or not exists (
        select 1 from ${teamMembers} tm
        where tm.team_id = ${teamId} and tm.member_id = teams.lead_member_id and tm.role = 'lead'
      )
    )`);
}

// ---- teams ----------------------------------------------------------------------------------

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listTeams(ctx: ServiceContext, q: ListTeamsQuery) {
  const where: SQL[] = [];
  if (!(await hasPermission(ctx, "can_view_team"))) {
    const mine = await myTeamIds(ctx);
    if (mine.length === 0) return [];
    where.push(inArray(teams.id, mine));
  }
  if (q.search) {
    const pattern = `%${escapeLike(q.search)}%`;
    where.push(or(ilike(teams.name, pattern), ilike(teams.description, pattern)) as SQL);
  }
  if (q.is_active !== undefined) where.push(eq(teams.isActive, q.is_active));
  if (q.parent_team_id === "null") where.push(isNull(teams.parentTeamId));
  else if (q.parent_team_id) where.push(eq(teams.parentTeamId, q.parent_team_id));
  const rows = await ctx.db
    .select({ t: teams, count: memberCountSql })
    .from(teams)
    .where(and(...where))
    .orderBy(asc(sql`lower(${teams.name})`), asc(teams.id))
    .offset(q.skip)
    .limit(q.limit);
  return rows.map((r) => toTeam(r.t, r.count));
}

export async function getTeam(ctx: ServiceContext, teamId: string) {
  const r = await visibleTeam(ctx, teamId);
  return toTeam(r.t, r.count);
}

export async function createTeam({ ctx, input }: { ctx: ServiceContext; input: TeamCreate }) {
  await requirePermission(ctx, "can_create_team");
  const creator = await currentMember(ctx);
  if (input.lead_member_id) await assertLeadCandidate(ctx.db, input.lead_member_id);
  try {
    const id = await ctx.db.transaction(async (tx) => {
      if (input.parent_team_id) {
        // Under the lock, so the parent cannot be deleted between the check and the insert.
        await lockHierarchy(tx);
        await assertParentExists(tx, input.parent_team_id);
      }
      const [t] = await tx
        .insert(teams)
        .values({
          name: input.name,
          description: input.description ?? null,
          color: input.color ?? null,
          icon: input.icon ?? null,
          parentTeamId: input.parent_team_id ?? null,
          leadMemberId: input.lead_member_id ?? null,
          isActive: input.is_active ?? true,
          createdByMemberId: creator.id,
        })
        .returning({ id: teams.id });
      if (!t) throw new ServiceError("internal_error", "Team was not created");
      if (input.lead_member_id) await makeLead(tx, t.id, input.lead_member_id);
      return t.id;
    });
    teamIdsCache.delete(ctx);
    const r = await getTeamOrThrow(ctx.db, id);
    return toTeam(r.t, r.count);
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(input.name);
    throw e;
  }
}

export async function updateTeam({ ctx, teamId, input }: { ctx: ServiceContext; teamId: string; input: TeamUpdate }) {
  const { t: team } = await visibleTeam(ctx, teamId);
  await requireEdit(ctx, team);
  const moving = input.parent_team_id !== undefined && input.parent_team_id !== team.parentTeamId;
  if (input.lead_member_id) await assertLeadCandidate(ctx.db, input.lead_member_id);

  const set: Partial<typeof teams.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.description !== undefined) set.description = input.description;
  if (input.color !== undefined) set.color = input.color;
  if (input.icon !== undefined) set.icon = input.icon;
  if (input.is_active !== undefined) set.isActive = input.is_active;
  if (moving) set.parentTeamId = input.parent_team_id ?? null;
  if (input.lead_member_id !== undefined) set.leadMemberId = input.lead_member_id;

  try {
    await ctx.db.transaction(async (tx) => {
      if (moving) {
        await lockHierarchy(tx);
        if (input.parent_team_id) await assertNoCycle(tx, team.id, input.parent_team_id);
      }
      if (input.lead_member_id) await makeLead(tx, team.id, input.lead_member_id);
      if (Object.keys(set).length > 0) await tx.update(teams).set(set).where(eq(teams.id, team.id));
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(input.name ?? team.name);
    throw e;
  }
  teamIdsCache.delete(ctx);
  const r = await getTeamOrThrow(ctx.db, team.id);
  return toTeam(r.t, r.count);
}

/**
 * Deletes the team and its memberships. Its child teams are not deleted: they move up to the
 * deleted team's parent (top level if it had none). A child whose name is already taken at that
 * level makes the whole delete a 409, and nothing changes.
 */
export async function deleteTeam(ctx: ServiceContext, teamId: string) {
  const { t: team } = await visibleTeam(ctx, teamId);
  await requirePermission(ctx, "can_delete_team");
  try {
    await ctx.db.transaction(async (tx) => {
      await lockHierarchy(tx);
      // Re-read under the lock: the team may have moved (or gone) since the check above.
      const [cur] = await tx.select({ parentTeamId: teams.parentTeamId }).from(teams).where(eq(teams.id, team.id));
      if (!cur) throw new ServiceError("not_found", "Team not found");
      await tx.update(teams).set({ parentTeamId: cur.parentTeamId }).where(eq(teams.parentTeamId, team.id));
      await tx.delete(teams).where(eq(teams.id, team.id));
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new ServiceError("conflict", "A sub-team's name is already taken at the parent level; rename or move it first");
    }
    throw e;
  }
  teamIdsCache.delete(ctx);
}

// ---- team members ---------------------------------------------------------------------------

export async function listTeamMembers(ctx: ServiceContext, teamId: string) {
  const { t: team } = await visibleTeam(ctx, teamId);
  const rows = await ctx.db
    .select(teamMemberColumns)
    .from(teamMembers)
    .innerJoin(members, eq(members.id, teamMembers.memberId))
    .where(and(eq(teamMembers.teamId, team.id), eq(members.isActive, true)))
    // Leads first, then by name.
    .orderBy(
      sql`case when ${teamMembers.role} = 'lead' then 0 else 1 end`,
      asc(sql`lower(coalesce(${members.fullName}, ${members.email}))`),
      asc(teamMembers.id),
    );
  return rows.map(toTeamMember);
}

export async function addTeamMember({ ctx, teamId, input }: { ctx: ServiceContext; teamId: string; input: TeamMemberAdd }) {
  const { t: team } = await visibleTeam(ctx, teamId);
  await requireManageMembers(ctx, team);
  if (!(await isActiveMember(ctx.db, input.member_id))) throw new ServiceError("not_found", "Member not found");
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.insert(teamMembers).values({ teamId: team.id, memberId: input.member_id, role: input.role });
      if (input.role === "lead") await settlePrimaryLead(tx, team.id);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServiceError("conflict", "This member is already in the team");
    throw e;
  }
  teamIdsCache.delete(ctx);
  return toTeamMember(await getTeamMemberOrThrow(ctx.db, team.id, input.member_id));
}

export async function updateTeamMember({
  ctx,
  teamId,
  memberId,
  input,
}: {
  ctx: ServiceContext;
  teamId: string;
  memberId: string;
  input: TeamMemberUpdate;
}) {
  const { t: team } = await visibleTeam(ctx, teamId);
  await requireManageMembers(ctx, team);
  const current = await getTeamMemberOrThrow(ctx.db, team.id, memberId);
  const role: TeamRole = input.role;
  if (current.tm.role !== role) {
    await ctx.db.transaction(async (tx) => {
      await tx.update(teamMembers).set({ role }).where(eq(teamMembers.id, current.tm.id));
      await settlePrimaryLead(tx, team.id);
    });
  }
  return toTeamMember(await getTeamMemberOrThrow(ctx.db, team.id, memberId));
}

export async function removeTeamMember(ctx: ServiceContext, teamId: string, memberId: string) {
  const { t: team } = await visibleTeam(ctx, teamId);
  await requireManageMembers(ctx, team);
  const current = await getTeamMemberOrThrow(ctx.db, team.id, memberId);
  await ctx.db.transaction(async (tx) => {
    await tx.delete(teamMembers).where(eq(teamMembers.id, current.tm.id));
    if (current.tm.role === "lead") await settlePrimaryLead(tx, team.id);
  });
  teamIdsCache.delete(ctx);
}
