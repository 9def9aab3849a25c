import { and, eq, inArray } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { type ChannelAccess, channelAccessFor } from "../../channels/internal";
import { channels } from "../../channels/tables";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { canAccessObject, type Permission } from "../../permissions/service";
import { myTeamIds } from "../../teams/service";
import { assigneeIdsOf, type TaskRow } from "../internal";

export const fieldError = (loc: (string | number)[], msg: string) =>
  new ServiceError("validation_error", msg, { issues: [{ loc: ["body", ...loc], msg, type: "value_error" }] });

export async function me(ctx: ServiceContext) {
  const [m, teamIds] = await Promise.all([currentMember(ctx), myTeamIds(ctx)]);
  return { memberId: m.id, teamIds };
}

async function requireTaskAccess(
  ctx: ServiceContext,
  permission: Permission,
  ownPermission: Permission,
  ownerMemberIds: (string | null)[],
  what: string,
) {
  if (!(await canAccessObject(ctx, { permission, ownPermission, ownerMemberIds }, await me(ctx)))) {
    throw new ServiceError("forbidden", `You need ${permission}, or ${ownPermission} on a task ${what}`);
  }
}

/** Editing (and completing, reopening): can_edit_action, or can_edit_own_action for the owner or an assignee. */
export async function requireEdit(ctx: ServiceContext, t: TaskRow) {
  const assignees = await assigneeIdsOf(ctx.db, t.id);
  await requireTaskAccess(ctx, "can_edit_action", "can_edit_own_action", [t.ownerMemberId, ...assignees], "you own or are assigned");
}

/** Deleting: can_delete_action, or can_delete_own_action for the owner. */
export async function requireDelete(ctx: ServiceContext, t: TaskRow) {
  await requireTaskAccess(ctx, "can_delete_action", "can_delete_own_action", [t.ownerMemberId], "you own");
}

/** Verifying or rejecting completed work is the owner's call (or anyone who may edit any task). */
export async function requireVerify(ctx: ServiceContext, t: TaskRow) {
  await requireTaskAccess(ctx, "can_edit_action", "can_edit_own_action", [t.ownerMemberId], "you own");
}

/** 422 unless every id is an active member; returns them deduplicated. */
export async function activeMembers(ctx: ServiceContext, ids: string[], loc: string): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await ctx.db
    .select({ id: members.id })
    .from(members)
    .where(and(inArray(members.id, unique), eq(members.isActive, true)));
  const found = new Set(rows.map((r) => r.id));
  const issues = ids.flatMap((id, i) =>
    found.has(id)
      ? []
      : [{ loc: ["body", loc, i] as (string | number)[], msg: "Not an active member of this workspace", type: "value_error" }],
  );
  if (issues.length > 0) throw new ServiceError("validation_error", "Not an active member of this workspace", { issues });
  return unique;
}

/** 422 on `loc` unless the id is an active member. */
export async function activeMember(ctx: ServiceContext, id: string, loc: string): Promise<string> {
  const [m] = await ctx.db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.id, id), eq(members.isActive, true)));
  if (!m) throw fieldError([loc], "Not an active member of this workspace");
  return m.id;
}

/**
 * A channel named in a body (channel_id): invisible or missing is a 422 on that field; the caller
 * must be able to post in it (can_post_message there), else 403.
 */
export async function postableChannel(ctx: ServiceContext, channelId: string): Promise<ChannelAccess> {
  const [channel] = await ctx.db.select().from(channels).where(eq(channels.id, channelId)).limit(1);
  const access = channel ? await channelAccessFor(ctx, channel) : undefined;
  if (!access?.canView) throw fieldError(["channel_id"], "Channel not found in this workspace");
  requirePost(access);
  return access;
}

export function requirePost(access: ChannelAccess) {
  if (!access.canPost) throw new ServiceError("forbidden", "You cannot post in this channel");
}
