import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { ROLE_RANK } from "../../../platform/identity/roles";
import { type Role, users, workspaceMembers } from "../../../platform/identity/tables";
import { publishWorkspaceEvent } from "../../notifications/service";
import { requirePermission } from "../../permissions/service";
import { otherWorkspaceCount, removeMembership } from "../../workspaces/service";
import { members } from "../tables";
import { getMemberRow } from "./directory";

/**
 * What a member owns or is assigned to, by module. Modules that own things (teams, tasks,
 * goals, records, …) register a provider; offboarding lists and reassigns through them.
 */
export interface OwnedItemsProvider {
  type: string;
  list(ctx: ServiceContext, memberId: string): Promise<{ id: string; name: string; relation: string }[]>;
  reassign(ctx: ServiceContext, fromMemberId: string, toMemberId: string): Promise<number>;
}
export const ownedItemProviders: OwnedItemsProvider[] = [];

export async function ownedItems(ctx: ServiceContext, memberId: string) {
  await requirePermission(ctx, "can_view_member");
  const m = await getMemberRow(ctx, memberId);
  const groups = await Promise.all(ownedItemProviders.map(async (p) => ({ type: p.type, items: await p.list(ctx, m.id) })));
  const items = Object.fromEntries(groups.map((g) => [g.type, g.items]));
  return { member_id: m.id, total: groups.reduce((n, g) => n + g.items.length, 0), items };
}

/** Moves everything a member owns to another active member (before removing them). */
export async function reassignAll(ctx: ServiceContext, fromMemberId: string, toMemberId: string) {
  await requirePermission(ctx, "can_remove_member");
  if (fromMemberId === toMemberId)
    throw new ServiceError("validation_error", "Choose another member to reassign to", {
      issues: [{ loc: ["body", "to_member_id"], msg: "Must differ from the member being reassigned", type: "value_error" }],
    });
  const from = await getMemberRow(ctx, fromMemberId);
  const to = await getMemberRow(ctx, toMemberId);
  if (!to.isActive) throw new ServiceError("conflict", "Items can only be reassigned to an active member");
  const counts: Record<string, number> = {};
  for (const p of ownedItemProviders) counts[p.type] = await p.reassign(ctx, from.id, to.id);
  return { from_member_id: from.id, to_member_id: to.id, reassigned: counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}

export async function deletionInfo(ctx: ServiceContext, memberId: string) {
  await requirePermission(ctx, "can_view_member");
  const m = await getMemberRow(ctx, memberId);
  const others = await otherWorkspaceCount(ctx, m.userId, ctx.workspace?.id ?? "");
  return { member_id: m.id, user_id: m.userId, workspace_count: others + 1, can_delete_user: others === 0 };
}

/** Removes the member from this workspace (their account stays if they have other workspaces). */
export async function removeMember(ctx: ServiceContext, memberId: string) {
  await requirePermission(ctx, "can_remove_member");
  const m = await getMemberRow(ctx, memberId);
  const membership = await membershipOf(ctx, m.userId);
  if (!membership) {
    // A tenant record without membership (left over): just drop it.
    await ctx.db.delete(members).where(eq(members.id, m.id));
    return;
  }
  await assertOutranks(ctx, membership.role);
  await removeMembership(ctx, membership);
  await publishWorkspaceEvent(ctx, "members_updated", { member_id: m.id, removed: true });
}

/** Irreversible: only for a user whose only workspace is this one. */
export async function deleteMemberPermanently(ctx: ServiceContext, memberId: string) {
  await requirePermission(ctx, "can_delete_user");
  const m = await getMemberRow(ctx, memberId);
  const others = await otherWorkspaceCount(ctx, m.userId, ctx.workspace?.id ?? "");
  if (others > 0) throw new ServiceError("conflict", "This user belongs to other workspaces; remove them from this workspace instead");
  const membership = await membershipOf(ctx, m.userId);
  if (membership) {
    await assertOutranks(ctx, membership.role);
    await removeMembership(ctx, membership);
  } else {
    await ctx.db.delete(members).where(eq(members.id, m.id));
  }
  // removeMembership deletes a user left without workspaces; make sure even without a membership.
  await ctx.control.delete(users).where(eq(users.id, m.userId));
}

async function membershipOf(ctx: ServiceContext, userId: string) {
  const [row] = await ctx.control
    .select()
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.workspaceId, ctx.workspace?.id ?? ""), eq(workspaceMembers.userId, userId)))
    .limit(1);
  return row;
}

async function assertOutranks(ctx: ServiceContext, targetRole: Role) {
  if (ROLE_RANK[targetRole] > ROLE_RANK[ctx.workspace?.role ?? "viewer"]) {
    throw new ServiceError("forbidden", "You cannot remove a member with a higher role");
  }
}
