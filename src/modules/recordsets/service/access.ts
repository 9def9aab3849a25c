import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { invalidField, ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { recordActivity } from "../../activity/service";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { hasPermission } from "../../permissions/service";
import { teams } from "../../teams/tables";
import { getRecordsetForActor } from "../internal";
import type { RecordsetAccessCreate } from "../schemas";
import { recordsetAccess } from "../tables";
import { isWorkspaceAdmin } from "./recordsets";

type GrantRow = typeof recordsetAccess.$inferSelect & { memberName: string | null; teamName: string | null };

function toGrant(g: GrantRow) {
  return {
    id: g.id,
    recordset_id: g.recordsetId,
    grantee_type: g.memberId ? ("member" as const) : ("team" as const),
    member_id: g.memberId,
    team_id: g.teamId,
    name: g.memberId ? g.memberName : g.teamName,
    can_view: g.canView,
    can_create: g.canCreate,
    can_edit: g.canEdit,
    can_edit_own: g.canEditOwn,
    can_delete: g.canDelete,
    can_delete_own: g.canDeleteOwn,
    is_admin: g.isAdmin,
    granted_by_member_id: g.grantedByMemberId,
    created_at: g.createdAt.toISOString(),
    updated_at: g.updatedAt.toISOString(),
  };
}

async function grantsOf(ctx: ServiceContext, recordsetId: string, where?: SQL) {
  const rows = await ctx.db
    .select({
      access: recordsetAccess,
      memberName: sql<string | null>`coalesce(${members.fullName}, ${members.email})`,
      teamName: teams.name,
    })
    .from(recordsetAccess)
    .leftJoin(members, eq(members.id, recordsetAccess.memberId))
    .leftJoin(teams, eq(teams.id, recordsetAccess.teamId))
    .where(and(eq(recordsetAccess.recordsetId, recordsetId), where))
    .orderBy(asc(recordsetAccess.createdAt), asc(recordsetAccess.id));
  return rows.map((r) => toGrant({ ...r.access, memberName: r.memberName, teamName: r.teamName }));
}

/** The recordset's grants to members and teams (is_admin on the recordset). */
export async function listRecordsetAccess(ctx: ServiceContext, slug: string) {
  const { recordset } = await getRecordsetForActor(ctx, slug, "is_admin");
  return grantsOf(ctx, recordset.id);
}

/**
 * Grants (or replaces the grant of) one member or one team. Every grant can view; is_admin
 * implies every flag. is_admin on the recordset; the member must be active, the team must exist.
 */
export async function grantRecordsetAccess(ctx: ServiceContext, slug: string, input: RecordsetAccessCreate) {
  const { recordset } = await getRecordsetForActor(ctx, slug, "is_admin");
  if (input.member_id) {
    const [m] = await ctx.db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.id, input.member_id), eq(members.isActive, true)))
      .limit(1);
    if (!m) throw invalidField(["body", "member_id"], "Not an active member of this workspace");
  }
  if (input.team_id) {
    const [t] = await ctx.db.select({ id: teams.id }).from(teams).where(eq(teams.id, input.team_id)).limit(1);
    if (!t) throw invalidField(["body", "team_id"], "Not a team of this workspace");
  }
  const admin = input.is_admin ?? false;
  const flags = {
    canView: true,
    canCreate: admin || (input.can_create ?? false),
    canEdit: admin || (input.can_edit ?? false),
    canEditOwn: admin || (input.can_edit_own ?? false) || (input.can_edit ?? false),
    canDelete: admin || (input.can_delete ?? false),
    canDeleteOwn: admin || (input.can_delete_own ?? false) || (input.can_delete ?? false),
    isAdmin: admin,
  };
  const me = await currentMember(ctx);
  const values = { recordsetId: recordset.id, ...flags, grantedByMemberId: me.id };
  const [row] = input.member_id
    ? await ctx.db
        .insert(recordsetAccess)
        .values({ ...values, memberId: input.member_id })
        .onConflictDoUpdate({
          target: [recordsetAccess.recordsetId, recordsetAccess.memberId],
          set: { ...flags, grantedByMemberId: me.id },
        })
        .returning({ id: recordsetAccess.id })
    : await ctx.db
        .insert(recordsetAccess)
        .values({ ...values, teamId: input.team_id as string })
        .onConflictDoUpdate({ target: [recordsetAccess.recordsetId, recordsetAccess.teamId], set: { ...flags, grantedByMemberId: me.id } })
        .returning({ id: recordsetAccess.id });
  if (!row) throw new ServiceError("internal_error", "The grant was not saved");
  await recordActivity(ctx, {
    type: "recordset.access_granted",
    subjectType: "recordset",
    subjectId: recordset.id,
    summary: "Shared a recordset",
    data: { recordset_id: recordset.id, member_id: input.member_id ?? null, team_id: input.team_id ?? null, is_admin: admin },
  });
  const [grant] = await grantsOf(ctx, recordset.id, eq(recordsetAccess.id, row.id));
  return grant as ReturnType<typeof toGrant>;
}

async function revoke(ctx: ServiceContext, slug: string, by: "member" | "team", id: string) {
  const { recordset } = await getRecordsetForActor(ctx, slug, "is_admin");
  if (!isUuid(id)) throw new ServiceError("not_found", "Access grant not found");
  const col = by === "member" ? recordsetAccess.memberId : recordsetAccess.teamId;
  const gone = await ctx.db
    .delete(recordsetAccess)
    .where(and(eq(recordsetAccess.recordsetId, recordset.id), eq(col, id)))
    .returning({ id: recordsetAccess.id });
  if (gone.length === 0) throw new ServiceError("not_found", "Access grant not found");
  await recordActivity(ctx, {
    type: "recordset.access_revoked",
    subjectType: "recordset",
    subjectId: recordset.id,
    summary: `Revoked a ${by}'s access to a recordset`,
    data: { recordset_id: recordset.id, [`${by}_id`]: id },
  });
}

export const revokeRecordsetMemberAccess = (ctx: ServiceContext, slug: string, memberId: string) => revoke(ctx, slug, "member", memberId);
export const revokeRecordsetTeamAccess = (ctx: ServiceContext, slug: string, teamId: string) => revoke(ctx, slug, "team", teamId);

/** The caller's effective permissions on the recordset (404 if they cannot see it). */
export async function myRecordsetPermissions(ctx: ServiceContext, slug: string) {
  const { recordset, permissions } = await getRecordsetForActor(ctx, slug);
  const me = await currentMember(ctx);
  const isOwner = recordset.createdByMemberId === me.id;
  const viaRole = isWorkspaceAdmin(ctx) || (await hasPermission(ctx, "can_manage_recordset"));
  return {
    recordset_id: recordset.id,
    recordset_slug: recordset.slug,
    ...permissions,
    can_admin: permissions.is_admin,
    is_owner: isOwner,
    source: viaRole ? ("workspace_role" as const) : isOwner ? ("creator" as const) : ("grant" as const),
  };
}
