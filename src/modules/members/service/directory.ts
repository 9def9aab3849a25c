import { and, asc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { ROLE_RANK } from "../../../platform/identity/roles";
import { type Role, workspaceMembers } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";
import { bumpMembershipEpoch } from "../../../platform/tenancy/claims";
import { type UploadedFile, uploadAvatar } from "../../auth/service/profile";
import { publishWorkspaceEvent } from "../../notifications/service";
import { hasPermission, requirePermission } from "../../permissions/service";
import { assertCanGrant, countOwners, type InviteInput, inviteToWorkspace } from "../../workspaces/service";
import { toMember } from "../internal";
import { members } from "../tables";

export async function getMemberRow(ctx: ServiceContext, memberId: string) {
  if (!isUuid(memberId)) throw new ServiceError("not_found", "Member not found");
  const [m] = await ctx.db.select().from(members).where(eq(members.id, memberId)).limit(1);
  if (!m) throw new ServiceError("not_found", "Member not found");
  return m;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Paginated (skip/limit), searchable by name, display name and email. */
export async function listMembers(
  ctx: ServiceContext,
  q: { search?: string | undefined; is_active?: boolean | undefined; skip: number; limit: number },
) {
  await requirePermission(ctx, "can_view_member");
  const conds: SQL[] = [];
  if (q.is_active !== undefined) conds.push(eq(members.isActive, q.is_active));
  if (q.search) {
    const p = `%${escapeLike(q.search)}%`;
    conds.push(or(ilike(members.fullName, p), ilike(members.displayName, p), ilike(members.email, p)) as SQL);
  }
  const where = conds.length ? and(...conds) : undefined;
  const [rows, total] = await Promise.all([
    ctx.db
      .select()
      .from(members)
      .where(where)
      .orderBy(asc(sql`lower(coalesce(${members.fullName}, ${members.email}))`), asc(members.id))
      .offset(q.skip)
      .limit(q.limit),
    ctx.db.$count(members, where),
  ]);
  return { items: rows.map(toMember), total, skip: q.skip, limit: q.limit };
}

/** Every active member with the few fields dropdowns and @mentions need. */
export async function listAllMembersMinimal(ctx: ServiceContext) {
  await requirePermission(ctx, "can_view_member");
  const rows = await ctx.db
    .select({
      id: members.id,
      email: members.email,
      full_name: members.fullName,
      display_name: members.displayName,
      avatar_url: members.avatarUrl,
      role: members.role,
    })
    .from(members)
    .where(eq(members.isActive, true))
    .orderBy(asc(sql`lower(coalesce(${members.fullName}, ${members.email}))`));
  return rows;
}

export async function getMember(ctx: ServiceContext, memberId: string) {
  await requirePermission(ctx, "can_view_member");
  return toMember(await getMemberRow(ctx, memberId));
}

/** POST /members: invites by email into the current workspace (admins and owners). */
export async function createMember(ctx: ServiceContext, input: InviteInput) {
  await requirePermission(ctx, "can_invite_member");
  return inviteToWorkspace(ctx, ctx.workspace?.id ?? "", input, { send: true });
}

export interface MemberUpdate {
  display_name?: string | null | undefined;
  title?: string | null | undefined;
  role?: Role | undefined;
  is_active?: boolean | undefined;
}

/**
 * Members edit their own workspace profile; editing others needs can_edit_member and a rank
 * at least theirs. Roles never go above the editor's own, and the last owner stays owner.
 */
export async function updateMember(ctx: ServiceContext, memberId: string, input: MemberUpdate) {
  const m = await getMemberRow(ctx, memberId);
  const self = m.userId === actorUserId(ctx);
  const callerRole = ctx.workspace?.role ?? "viewer";
  if (!self || input.role !== undefined || input.is_active !== undefined) {
    if (!(await hasPermission(ctx, "can_edit_member")))
      throw new ServiceError("forbidden", "You need the can_edit_member permission for this");
    if (ROLE_RANK[m.role] > ROLE_RANK[callerRole]) throw new ServiceError("forbidden", "You cannot edit a member with a higher role");
    if (self && input.role !== undefined && input.role !== m.role) throw new ServiceError("forbidden", "You cannot change your own role");
  }
  if (input.role !== undefined && input.role !== m.role) {
    assertCanGrant(callerRole, input.role);
    if (m.role === "owner" && (await countOwners(ctx, ctx.workspace?.id ?? "")) <= 1) {
      throw new ServiceError("conflict", "A workspace needs at least one owner");
    }
    await ctx.control
      .update(workspaceMembers)
      .set({ role: input.role })
      .where(and(eq(workspaceMembers.workspaceId, ctx.workspace?.id ?? ""), eq(workspaceMembers.userId, m.userId)));
    await bumpMembershipEpoch(ctx, m.userId);
  }
  const set: Partial<typeof members.$inferInsert> = {};
  if (input.display_name !== undefined) set.displayName = input.display_name;
  if (input.title !== undefined) set.title = input.title;
  if (input.role !== undefined) set.role = input.role;
  if (input.is_active !== undefined) set.isActive = input.is_active;
  if (Object.keys(set).length === 0) return toMember(m);
  const [u] = await ctx.db.update(members).set(set).where(eq(members.id, m.id)).returning();
  if (input.role !== undefined || input.is_active !== undefined) await publishWorkspaceEvent(ctx, "members_updated", { member_id: m.id });
  return toMember(u ?? m);
}

/** Own avatar, or (admins) anyone's; stored like the account avatar and mirrored here. */
export async function uploadMemberAvatar(ctx: ServiceContext, memberId: string, file: UploadedFile | undefined) {
  const m = await getMemberRow(ctx, memberId);
  const r = await uploadAvatar(ctx, m.userId, file);
  return { avatar_url: r.avatar_url, member: toMember({ ...m, avatarUrl: r.avatar_url }) };
}
