import { and, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { currentMember } from "../members/service";
import { DEFAULT_ROLE_PERMISSIONS, type Permission } from "../permissions/catalogue";
import { myPermissions } from "../permissions/service";
import { myTeamIds } from "../teams/service";
import { recordsetAccess, recordsets } from "./tables";

export type RecordsetRow = typeof recordsets.$inferSelect;

export interface RecordsetPermissions {
  can_view: boolean;
  can_create: boolean;
  can_edit: boolean;
  can_edit_own: boolean;
  can_delete: boolean;
  can_delete_own: boolean;
  /** Edit the recordset itself: fields, views, pipeline, grants, trash. */
  is_admin: boolean;
}

export const PERMISSION_KEYS = ["can_view", "can_create", "can_edit", "can_edit_own", "can_delete", "can_delete_own", "is_admin"] as const;

const ALL: RecordsetPermissions = {
  can_view: true,
  can_create: true,
  can_edit: true,
  can_edit_own: true,
  can_delete: true,
  can_delete_own: true,
  is_admin: true,
};
const NONE: RecordsetPermissions = {
  can_view: false,
  can_create: false,
  can_edit: false,
  can_edit_own: false,
  can_delete: false,
  can_delete_own: false,
  is_admin: false,
};

/** Workspace roles that see and manage every recordset. */
const isWorkspaceAdmin = (ctx: ServiceContext) => ctx.workspace?.role === "owner" || ctx.workspace?.role === "admin";

type GrantFlags = Pick<
  typeof recordsetAccess.$inferSelect,
  "canView" | "canCreate" | "canEdit" | "canEditOwn" | "canDelete" | "canDeleteOwn" | "isAdmin"
>;

/**
 * The access rule, in one place (visibleRecordsetIdsSql is its set form):
 * - workspace owners and admins, and holders of can_manage_recordset: everything;
 * - the recordset's creator: is_admin (every grant flag);
 * - everyone else: the union of their own grant and their active teams' grants (an is_admin grant
 *   implies every flag; any grant implies can_view), limited by their role's permissions:
 *   can_view needs can_view_record, can_create can_create_record, can_edit can_edit_record,
 *   can_edit_own (also implied by a can_edit grant) can_edit_record or can_edit_own_record, and
 *   the same for delete; is_admin is never given to viewers. No grant: nothing (404).
 */
export async function recordsetPermissions(ctx: ServiceContext, rs: RecordsetRow): Promise<RecordsetPermissions> {
  if (isWorkspaceAdmin(ctx)) return { ...ALL };
  const role = await myPermissions(ctx);
  if (role.has("can_manage_recordset")) return { ...ALL };
  const [me, teamIds] = await Promise.all([currentMember(ctx), myTeamIds(ctx)]);
  const grants: GrantFlags[] = await ctx.db
    .select({
      canView: recordsetAccess.canView,
      canCreate: recordsetAccess.canCreate,
      canEdit: recordsetAccess.canEdit,
      canEditOwn: recordsetAccess.canEditOwn,
      canDelete: recordsetAccess.canDelete,
      canDeleteOwn: recordsetAccess.canDeleteOwn,
      isAdmin: recordsetAccess.isAdmin,
    })
    .from(recordsetAccess)
    .where(
      and(
        eq(recordsetAccess.recordsetId, rs.id),
        teamIds.length
          ? or(eq(recordsetAccess.memberId, me.id), inArray(recordsetAccess.teamId, teamIds))
          : eq(recordsetAccess.memberId, me.id),
      ),
    );
  const g = { ...NONE };
  if (rs.createdByMemberId === me.id) Object.assign(g, ALL);
  for (const x of grants) {
    const admin = x.isAdmin;
    g.can_view = true;
    g.can_create ||= admin || x.canCreate;
    g.can_edit ||= admin || x.canEdit;
    g.can_edit_own ||= admin || x.canEdit || x.canEditOwn;
    g.can_delete ||= admin || x.canDelete;
    g.can_delete_own ||= admin || x.canDelete || x.canDeleteOwn;
    g.is_admin ||= admin;
  }
  const can = (p: Permission) => role.has(p);
  const view = g.can_view && can("can_view_record");
  if (!view) return { ...NONE };
  return {
    can_view: true,
    can_create: g.can_create && can("can_create_record"),
    can_edit: g.can_edit && can("can_edit_record"),
    can_edit_own: g.can_edit_own && (can("can_edit_record") || can("can_edit_own_record")),
    can_delete: g.can_delete && can("can_delete_record"),
    can_delete_own: g.can_delete_own && (can("can_delete_record") || can("can_delete_own_record")),
    is_admin: g.is_admin && ctx.workspace?.role !== "viewer",
  };
}

const NEED_TEXT: Record<keyof RecordsetPermissions, string> = {
  can_view: "view",
  can_create: "create records in",
  can_edit: "edit records in",
  can_edit_own: "edit your records in",
  can_delete: "delete records in",
  can_delete_own: "delete your records in",
  is_admin: "manage",
};

/** The recordset by id or slug, not trashed (no access check). */
export async function findRecordset(
  ctx: ServiceContext,
  slugOrId: string,
  opts: { trashed?: boolean } = {},
): Promise<RecordsetRow | undefined> {
  const match = isUuid(slugOrId) ? or(eq(recordsets.id, slugOrId), eq(recordsets.slug, slugOrId)) : eq(recordsets.slug, slugOrId);
  const rows = await ctx.db
    .select()
    .from(recordsets)
    .where(and(match, opts.trashed ? sql`${recordsets.deletedAt} is not null` : isNull(recordsets.deletedAt)))
    .limit(2);
  // A slug could in theory equal another recordset's id; the id wins.
  return rows.find((r) => r.id === slugOrId) ?? rows[0];
}

/**
 * The one access check of recordsets (records, imports, geo and tracking use it too): by slug or
 * id; 404 when missing, trashed or invisible to the caller; 403 when visible but `need` is
 * missing.
 */
export async function getRecordsetForActor(
  ctx: ServiceContext,
  slugOrId: string,
  need?: keyof RecordsetPermissions,
): Promise<{ recordset: RecordsetRow; permissions: RecordsetPermissions }> {
  const recordset = await findRecordset(ctx, slugOrId);
  if (!recordset) throw new ServiceError("not_found", "Recordset not found");
  const permissions = await recordsetPermissions(ctx, recordset);
  if (!permissions.can_view) throw new ServiceError("not_found", "Recordset not found");
  if (need && !permissions[need]) {
    throw new ServiceError("forbidden", `You do not have permission to ${NEED_TEXT[need]} this recordset`);
  }
  return { recordset, permissions };
}

/** SQL: whether the caller's role holds `p` (default of the role, or the workspace's override). */
function roleHas(role: string, p: Permission): SQL {
  const byDefault = (DEFAULT_ROLE_PERMISSIONS as Record<string, readonly Permission[]>)[role]?.includes(p) ?? false;
  return sql`coalesce((select rp.allowed from role_permissions rp where rp.role = ${role} and rp.permission = ${p}), ${byDefault})`;
}

/**
 * getRecordsetForActor's view rule as a set: a subquery of the ids of the (not trashed)
 * recordsets the caller can view, for cross-recordset lists: `inArray(records.recordsetId,
 * visibleRecordsetIdsSql(ctx))` or sql`… in (${visibleRecordsetIdsSql(ctx)})`. Needs no await:
 * the caller's member and teams are resolved inside the query.
 */
export function visibleRecordsetIdsSql(ctx: ServiceContext): SQL {
  const role = ctx.workspace?.role;
  if (!role) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  if (role === "owner" || role === "admin") return sql`select r.id from recordsets r where r.deleted_at is null`;
  const userId = actorUserId(ctx);
  const me = sql`(select m.id from members m where m.user_id = ${userId})`;
  return sql`select r.id from recordsets r where r.deleted_at is null and (
    ${roleHas(role, "can_manage_recordset")}
    or (${roleHas(role, "can_view_record")} and (
      r.created_by_member_id = ${me}
      or exists (
        select 1 from recordset_access a where a.recordset_id = r.id and (
          a.member_id = ${me}
          or a.team_id in (
            select tm.team_id from team_members tm join teams t on t.id = tm.team_id and t.is_active
            where tm.member_id = ${me}
          )
        )
      )
    ))
  )`;
}

/** The API shape of a recordset (snake_case; fields served as stored). */
export function toRecordsetJson(r: RecordsetRow) {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    icon: r.icon,
    color: r.color,
    type: r.type,
    mode: r.mode,
    fields: r.fields,
    settings: r.settings,
    gis_mapping: r.gisMapping,
    is_integration: r.isIntegration,
    staging_table: r.stagingTable,
    record_count: r.recordCount,
    is_active: r.deletedAt === null,
    created_by_member_id: r.createdByMemberId,
    deleted_at: r.deletedAt ? r.deletedAt.toISOString() : null,
    deleted_by_member_id: r.deletedByMemberId,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
export type RecordsetJson = ReturnType<typeof toRecordsetJson>;
