import { and, eq, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { ServiceContext } from "../../platform/context";
import type { Db } from "../../platform/db";
import { ROLE_RANK } from "../../platform/identity/roles";
import { visibleChannelIdsSql } from "../channels/internal";
import { currentMember } from "../members/service";
import { myPermissions, type Permission } from "../permissions/service";
import { taskAssignees, tasks } from "../tasks/tables";
import { myTeamIds } from "../teams/service";
import { teamMembers, teams } from "../teams/tables";

/**
 * Who is looking: the member, their active teams and effective permissions. Requests build it
 * from the caller; queue consumers (exports) from the member who asked, so a background export
 * shows exactly what the feed showed them.
 */
export interface Viewer {
  memberId: string;
  teamIds: string[];
  permissions: Set<Permission>;
  /** Admins and owners see every task; others only tasks they may open (tasks module's rule). */
  seesAllTasks: boolean;
}

export async function viewerOf(ctx: ServiceContext): Promise<Viewer> {
  const [m, teamIds, permissions] = await Promise.all([currentMember(ctx), myTeamIds(ctx), myPermissions(ctx)]);
  return { memberId: m.id, teamIds, permissions, seesAllTasks: seesAllTasks(ctx) };
}

/** The viewer of a member other than the caller (ctx must be bound to the member's workspace and role). */
export async function viewerOfMember(ctx: ServiceContext, memberId: string): Promise<Viewer> {
  const [rows, permissions] = await Promise.all([activeTeamIdsOf(ctx.db, memberId), myPermissions(ctx)]);
  return { memberId, teamIds: rows, permissions, seesAllTasks: seesAllTasks(ctx) };
}

const seesAllTasks = (ctx: ServiceContext) => ROLE_RANK[ctx.workspace?.role ?? "viewer"] >= ROLE_RANK.admin;

/**
 * Activities of standalone tasks (not in a channel) only for who may open the task: its owner,
 * its assignees, and whoever did the thing. Channel tasks follow the channel rule above.
 */
export function visibleStandaloneTaskCondition(
  viewer: Viewer,
  a: { type: AnyPgColumn; channelId: AnyPgColumn; subjectId: AnyPgColumn; actorMemberId: AnyPgColumn },
): SQL | undefined {
  if (viewer.seesAllTasks) return undefined;
  return sql`(NOT (${a.type} LIKE 'task.%' AND ${a.channelId} IS NULL)
    OR ${a.actorMemberId} = ${viewer.memberId}
    OR EXISTS (SELECT 1 FROM ${tasks} WHERE ${tasks.id} = ${a.subjectId} AND (${tasks.ownerMemberId} = ${viewer.memberId}
      OR EXISTS (SELECT 1 FROM ${taskAssignees} WHERE ${taskAssignees.taskId} = ${tasks.id} AND ${taskAssignees.memberId} = ${viewer.memberId}))))`;
}

async function activeTeamIdsOf(db: Db, memberId: string): Promise<string[]> {
  const rows = await db
    .select({ id: teamMembers.teamId })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.memberId, memberId), eq(teams.isActive, true)));
  return rows.map((r) => r.id);
}

/**
 * SQL condition "the channel in `column` (nullable) is visible to the viewer": the same rule as
 * channelAccessFor() in the channels module, as a set, for lists and feeds. Null channel =
 * not in a channel = visible. Undefined when the viewer sees every channel (can_manage_channel).
 */
export function visibleChannelCondition(viewer: Viewer, column: AnyPgColumn): SQL | undefined {
  const ids = visibleChannelIdsSql({
    memberId: viewer.memberId,
    teamIds: viewer.teamIds,
    manageAll: viewer.permissions.has("can_manage_channel"),
    viewPublic: viewer.permissions.has("can_view_channel"),
  });
  return ids ? sql`(${column} IS NULL OR ${column} IN (${ids}))` : undefined;
}
