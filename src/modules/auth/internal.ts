import { eq, sql } from "drizzle-orm";
import type { Db, Tx } from "../../platform/db";
import { ServiceError } from "../../platform/errors";
import { users } from "../../platform/identity/tables";
import { isUuid } from "../../platform/ids";
import { iso } from "../../platform/openapi";

export type UserRow = typeof users.$inferSelect;

export function toUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    full_name: u.fullName,
    display_name: u.displayName,
    title: u.title,
    phone: u.phone,
    bio: u.bio,
    avatar_url: u.avatarUrl,
    is_active: u.isActive,
    is_verified: u.isVerified,
    is_superuser: u.isSuperuser,
    last_login_at: iso(u.lastLoginAt),
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
  };
}

export async function findUserByEmail(db: Tx, email: string): Promise<UserRow | undefined> {
  const [u] = await db.select().from(users).where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`).limit(1);
  return u;
}

export async function getUserOrThrow(db: Db, userId: string): Promise<UserRow> {
  if (!isUuid(userId)) throw new ServiceError("not_found", "User not found");
  const [u] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!u) throw new ServiceError("not_found", "User not found");
  return u;
}

export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600_000;
export const RESET_TOKEN_TTL_MS = 3600_000;
export const ACTIVATION_TOKEN_TTL_MS = 7 * 24 * 3600_000;
