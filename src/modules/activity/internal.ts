import { and, eq, inArray, notInArray, type SQL, sql } from "drizzle-orm";
import { members } from "../members/tables";
import type { Permission } from "../permissions/service";
import { teamMembers } from "../teams/tables";
import { type ActivityFilters, dateBounds } from "./schemas";
import { activities } from "./tables";
import { type Viewer, visibleChannelCondition, visibleStandaloneTaskCondition } from "./visibility";

/**
 * Feed categories (the seed's `types` values) whose name differs from the resource in the
 * activity type: "action" is what the product calls tasks, "user" covers member changes.
 */
const CATEGORY_TO_RESOURCE: Record<string, string> = { action: "task", user: "member" };
const RESOURCE_TO_CATEGORY: Record<string, string> = { task: "action", member: "user" };

export const categoryOf = (type: string): string => {
  const resource = type.split(".", 1)[0] ?? type;
  return RESOURCE_TO_CATEGORY[resource] ?? resource;
};

/**
 * Resources whose activity needs the resource's view permission: a role without can_view_goal
 * (a role override) sees no goal activity either. Channel-bound activity is filtered by channel.
 */
const VIEW_PERMISSION: Record<string, Permission> = {
  task: "can_view_action",
  goal: "can_view_goal",
  record: "can_view_record",
  recordset: "can_view_record",
  document: "can_view_document",
  member: "can_view_member",
  team: "can_view_team",
};

const resourceSql = sql`split_part(${activities.type}, '.', 1)`;

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const list = (s: string | undefined) =>
  (s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** What the viewer may see of the activity table: visible channels, resources they may view. */
export function visibilityConditions(viewer: Viewer): SQL[] {
  const out: SQL[] = [];
  const channel = visibleChannelCondition(viewer, activities.channelId);
  if (channel) out.push(channel);
  const standalone = visibleStandaloneTaskCondition(viewer, activities);
  if (standalone) out.push(standalone);
  const hidden = Object.entries(VIEW_PERMISSION)
    .filter(([, p]) => !viewer.permissions.has(p))
    .map(([r]) => r);
  if (hidden.length) out.push(notInArray(resourceSql, hidden));
  return out;
}

/** The feed's filters as SQL, on top of what the viewer may see (the feed, stats' scope and exports share it). */
export function filterConditions(viewer: Viewer, f: ActivityFilters): SQL[] {
  const out = visibilityConditions(viewer);
  const tokens = list(f.types);
  if (tokens.length) {
    const exact = tokens.filter((t) => t.includes("."));
    const resources = tokens.filter((t) => !t.includes(".")).map((t) => CATEGORY_TO_RESOURCE[t] ?? t);
    const any: SQL[] = [];
    if (exact.length) any.push(inArray(activities.type, exact));
    if (resources.length) any.push(inArray(resourceSql, resources));
    out.push(any.length === 1 ? (any[0] as SQL) : sql`(${sql.join(any, sql` OR `)})`);
  }
  if (f.search) out.push(sql`${activities.summary} ILIKE ${`%${escapeLike(f.search)}%`}`);
  const { start, end } = dateBounds(f);
  if (start) out.push(sql`${activities.createdAt} >= ${start.toISOString()}`);
  if (end) out.push(sql`${activities.createdAt} <= ${end.toISOString()}`);
  if (f.scope === "mine") out.push(eq(activities.actorMemberId, viewer.memberId));
  const userIds = list(f.user_ids);
  if (userIds.length) out.push(inArray(activities.actorMemberId, userIds));
  const teamIds = list(f.team_ids);
  if (teamIds.length) {
    out.push(
      sql`${activities.actorMemberId} IN (SELECT ${teamMembers.memberId} FROM ${teamMembers} WHERE ${inArray(teamMembers.teamId, teamIds)})`,
    );
  }
  return out;
}

export const where = (conds: SQL[]) => (conds.length ? and(...conds) : undefined);

export const activityColumns = {
  a: activities,
  actorEmail: members.email,
  actorFullName: members.fullName,
  actorDisplayName: members.displayName,
  actorAvatarUrl: members.avatarUrl,
};

export type ActivityJoined = {
  a: typeof activities.$inferSelect;
  actorEmail: string | null;
  actorFullName: string | null;
  actorDisplayName: string | null;
  actorAvatarUrl: string | null;
};

export const actorJoin = eq(members.id, activities.actorMemberId);

export function toActivity(r: ActivityJoined) {
  const a = r.a;
  return {
    id: a.id,
    type: a.type,
    category: categoryOf(a.type),
    actor_member_id: a.actorMemberId,
    actor:
      a.actorMemberId && r.actorEmail !== null
        ? {
            member_id: a.actorMemberId,
            name: r.actorDisplayName ?? r.actorFullName,
            email: r.actorEmail,
            avatar_url: r.actorAvatarUrl,
          }
        : null,
    subject_type: a.subjectType,
    subject_id: a.subjectId,
    channel_id: a.channelId,
    summary: a.summary,
    data: a.data,
    created_at: a.createdAt.toISOString(),
  };
}

// ---- CSV ------------------------------------------------------------------------------------

export const CSV_HEADER = [
  "created_at",
  "type",
  "category",
  "actor_member_id",
  "actor_name",
  "actor_email",
  "subject_type",
  "subject_id",
  "channel_id",
  "summary",
  "data",
] as const;

/**
 * One CSV field (RFC 4180 quoting). Text that a spreadsheet would run as a formula (= + - @,
 * tab, CR at the start) gets a leading apostrophe: exports are opened in Excel.
 */
export function csvField(v: string | null | undefined): string {
  let s = v ?? "";
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: (string | null | undefined)[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

export function activityCsvLine(r: ActivityJoined): string {
  const x = toActivity(r);
  return csvLine([
    x.created_at,
    x.type,
    x.category,
    x.actor_member_id,
    x.actor?.name ?? null,
    x.actor?.email ?? null,
    x.subject_type,
    x.subject_id,
    x.channel_id,
    x.summary,
    JSON.stringify(x.data),
  ]);
}
