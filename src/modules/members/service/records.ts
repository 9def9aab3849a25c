import { eq } from "drizzle-orm";
import { actorUserId, type ServiceContext } from "../../../platform/context";
import type { Db, Tx } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import type { Role } from "../../../platform/identity/tables";
import { toMember } from "../internal";
import { members } from "../tables";

export interface NewMember {
  userId: string;
  email: string;
  fullName: string | null;
  role: Role;
}

/** Creates (or re-activates) the member record of a user in a workspace's database. */
export async function upsertMember(db: Tx, m: NewMember) {
  const [row] = await db
    .insert(members)
    .values({ userId: m.userId, email: m.email, fullName: m.fullName, displayName: m.fullName, role: m.role })
    .onConflictDoUpdate({ target: members.userId, set: { role: m.role, isActive: true, email: m.email } })
    .returning();
  return row;
}

export async function findMemberByUser(db: Db, userId: string) {
  const [row] = await db.select().from(members).where(eq(members.userId, userId)).limit(1);
  return row;
}

/** Keeps the tenant's copy of profile fields in step with the control database's user. */
export async function syncMemberProfile(
  db: Db,
  userId: string,
  p: Partial<{ email: string; fullName: string | null; avatarUrl: string | null; title: string | null; role: Role }>,
) {
  const set: Partial<typeof members.$inferInsert> = {};
  if (p.email !== undefined) set.email = p.email;
  if (p.fullName !== undefined) {
    set.fullName = p.fullName;
    set.displayName = p.fullName;
  }
  if (p.avatarUrl !== undefined) set.avatarUrl = p.avatarUrl;
  if (p.title !== undefined) set.title = p.title;
  if (p.role !== undefined) set.role = p.role;
  if (Object.keys(set).length === 0) return;
  await db.update(members).set(set).where(eq(members.userId, userId));
}

/** The caller's member record in the bound workspace (GET /members/me). */
export async function getMyMember(ctx: ServiceContext) {
  const m = await findMemberByUser(ctx.db, actorUserId(ctx));
  // Membership is checked in the control DB; a missing tenant record means provisioning broke.
  if (!m) throw new ServiceError("not_found", "Member not found");
  return toMember(m);
}

const current = new WeakMap<ServiceContext, Promise<typeof members.$inferSelect>>();
/**
 * The caller's member record in the bound workspace, once per request. Permission checks on
 * objects (owner, assignee, grants) compare against its id.
 */
export function currentMember(ctx: ServiceContext) {
  let p = current.get(ctx);
  if (!p) {
    p = findMemberByUser(ctx.db, actorUserId(ctx)).then((m) => {
      if (!m) throw new ServiceError("not_found", "Member not found");
      return m;
    });
    current.set(ctx, p);
  }
  return p;
}
