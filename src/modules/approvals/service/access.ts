import { and, eq, inArray, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import type { Db, Tx } from "../../../platform/db";
import type { Role } from "../../../platform/identity/tables";
import { agents } from "../../agents/tables";
import { members } from "../../members/tables";
import { hasPermission, rolePermissionSet } from "../../permissions/service";
import type { ApprovalRow } from "../internal";

export type MemberRow = typeof members.$inferSelect;

/** Members that are AI employees: they never decide (an employee must not approve its own action). */
async function aiMemberIds(db: Db | Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: agents.memberId }).from(agents).where(inArray(agents.memberId, ids));
  return new Set(rows.map((r) => r.id));
}

/**
 * Whether `m` may decide `a` now: an active human member who is named; else whose role is listed;
 * else whose role holds can_decide_approval. Checked at decision time, so removing a member or
 * changing a role takes the right away from links already sent.
 */
export async function mayDecide(db: Db | Tx, a: ApprovalRow, m: MemberRow | undefined): Promise<boolean> {
  if (!m?.isActive) return false;
  if ((await aiMemberIds(db, [m.id])).size > 0) return false;
  if (a.deciderMemberIds.length > 0) return a.deciderMemberIds.includes(m.id);
  if (a.deciderRoles.length > 0) return a.deciderRoles.includes(m.role);
  return (await rolePermissionSet(db as Db, m.role as Role)).has("can_decide_approval");
}

/** Every member who may decide `a` now (the recipients of its notification). */
export async function decidersOf(db: Db | Tx, a: ApprovalRow): Promise<MemberRow[]> {
  const active = eq(members.isActive, true);
  let rows: MemberRow[];
  if (a.deciderMemberIds.length > 0) {
    rows = await db
      .select()
      .from(members)
      .where(and(active, inArray(members.id, a.deciderMemberIds)));
  } else if (a.deciderRoles.length > 0) {
    rows = await db
      .select()
      .from(members)
      .where(and(active, inArray(members.role, a.deciderRoles as Role[])));
  } else {
    const all = await db.select().from(members).where(active);
    const byRole = new Map<string, boolean>();
    rows = [];
    for (const m of all) {
      if (!byRole.has(m.role)) byRole.set(m.role, (await rolePermissionSet(db as Db, m.role as Role)).has("can_decide_approval"));
      if (byRole.get(m.role)) rows.push(m);
    }
  }
  const ai = await aiMemberIds(
    db,
    rows.map((r) => r.id),
  );
  return rows.filter((r) => !ai.has(r.id));
}

/** SQL: approvals the member may decide by their definition (named, role, or permission). */
export function decidableBy(m: MemberRow, holdsPermission: boolean) {
  return sql`(
    (cardinality(decider_member_ids) > 0 and ${m.id}::uuid = any(decider_member_ids))
    or (cardinality(decider_member_ids) = 0 and cardinality(decider_roles) > 0 and ${m.role} = any(decider_roles))
    or (cardinality(decider_member_ids) = 0 and cardinality(decider_roles) = 0 and ${holdsPermission})
  )`;
}

/** Whether the caller sees `a`: can_view_approvals, or they requested it, or they may decide it. */
export async function maySee(ctx: ServiceContext, a: ApprovalRow, me: MemberRow): Promise<boolean> {
  if (await hasPermission(ctx, "can_view_approvals")) return true;
  if (a.requestedBy === me.id) return true;
  return mayDecide(ctx.db, a, me);
}
