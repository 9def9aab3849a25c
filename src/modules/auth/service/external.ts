import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { timingSafeEqual } from "../../../platform/crypto";
import { ServiceError } from "../../../platform/errors";
import { users } from "../../../platform/identity/tables";
import { verifyImpersonationToken } from "../../../platform/jwt";
import { findUserByEmail, getUserOrThrow, type UserRow } from "../internal";
import { startSession } from "./sessions";

/** Exchanges a staff-minted impersonation JWT for a session of that user (marked as impersonated). */
export async function exchangeImpersonation(ctx: ServiceContext, input: { token: string }) {
  const t = await verifyImpersonationToken(ctx.env.JWT_SECRET, input.token);
  let user: UserRow;
  try {
    user = await getUserOrThrow(ctx.control, t.userId);
  } catch {
    throw new ServiceError("invalid_token", "Invalid token");
  }
  if (!user.isActive) throw new ServiceError("invalid_token", "The user is not active");
  return startSession(ctx, user, t.impersonatorId ? { impersonatorId: t.impersonatorId } : {});
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
