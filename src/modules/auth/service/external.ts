import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { timingSafeEqual } from "../../../platform/crypto";
import { ServiceError } from "../../../platform/errors";
import { users } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";
import { verifyImpersonationToken } from "../../../platform/jwt";
import { findUserByEmail, getUserOrThrow, type UserRow } from "../internal";
import { usedTokenIds } from "../tables";
import { startSession } from "./sessions";

/**
 * Exchanges a staff-minted impersonation JWT for a session of that user, once: the token's
 * `jti` is recorded until the token expires, so a replay is a 401. The session is marked with
 * the impersonator on every token of its family (refreshes included), and the activity that
 * session causes records both people. The impersonator must still be active staff.
 */
export async function exchangeImpersonation(ctx: ServiceContext, input: { token: string }) {
  const t = await verifyImpersonationToken(ctx.env.JWT_SECRET, input.token);
  if (!t.jti || !t.impersonatorId || !isUuid(t.impersonatorId)) throw new ServiceError("invalid_token", "Invalid token");
  const [user, staff] = await Promise.all([findUser(ctx, t.userId), findUser(ctx, t.impersonatorId)]);
  if (!user) throw new ServiceError("invalid_token", "Invalid token");
  if (!staff?.isActive || !(staff.isStaff || staff.isSuperuser))
    throw new ServiceError("invalid_token", "The impersonator is not active staff");
  if (!user.isActive) throw new ServiceError("invalid_token", "The user is not active");
  const fresh = await ctx.control
    .insert(usedTokenIds)
    .values({ jti: t.jti, expiresAt: t.expiresAt })
    .onConflictDoNothing()
    .returning({ jti: usedTokenIds.jti });
  if (fresh.length === 0) throw new ServiceError("invalid_token", "This impersonation token has already been used");
  console.log(
    JSON.stringify({ level: "info", msg: "impersonation started", request_id: ctx.requestId, user_id: user.id, impersonator_id: staff.id }),
  );
  return startSession(ctx, user, { impersonatorId: staff.id });
}

async function findUser(ctx: ServiceContext, id: string): Promise<UserRow | undefined> {
  if (!isUuid(id)) return undefined;
  try {
    return await getUserOrThrow(ctx.control, id);
  } catch {
    return undefined;
  }
}

/**
 * Called by the frontend after Clerk sign-in. Never creates users: an unknown person gets
 * `{exists: false}` and goes through payment and signup first.
 */
export async function clerkCheck(ctx: ServiceContext, secret: string | undefined, input: { email: string; clerk_id: string }) {
  const expected = ctx.env.CLERK_SECRET;
  if (!expected) throw new ServiceError("service_unavailable", "Clerk sign-in is not configured");
  if (!secret || !timingSafeEqual(secret, expected)) throw new ServiceError("unauthorized", "Invalid X-Clerk-Secret");
  const [byClerk] = await ctx.control.select().from(users).where(eq(users.clerkId, input.clerk_id)).limit(1);
  let user = byClerk ?? (await findUserByEmail(ctx.control, input.email));
  if (!user?.isActive) return { exists: false };
  if (!user.clerkId) {
    [user] = await ctx.control.update(users).set({ clerkId: input.clerk_id, isVerified: true }).where(eq(users.id, user.id)).returning();
    if (!user) return { exists: false };
  } else if (user.clerkId !== input.clerk_id) {
    // The email matches but another Clerk identity is linked: do not hand out a session.
    return { exists: false };
  }
  return { exists: true, ...(await startSession(ctx, user)) };
}
