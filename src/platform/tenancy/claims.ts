import { and, eq } from "drizzle-orm";
import { forgetApiKeysOf } from "../apikeys";
import type { ServiceContext } from "../context";
import { workspaceMembers } from "../identity/tables";
import type { MembershipClaim } from "../jwt";

/**
 * Workspace memberships travel in the access token (`ws`, `ep`), so resolving X-Workspace-Id
 * needs no control-database round trip. Staleness is bounded two ways:
 * - every change to an active membership (removal, role change) bumps the user's membership
 *   epoch in their RateLimiter Durable Object, which every request of theirs calls anyway;
 *   a token from an older epoch has its claims ignored (resolution queries the database);
 * - if that bump cannot be delivered, the token's 15-minute lifetime bounds the staleness.
 * Users in more workspaces than fit carry none and are always resolved from the database.
 */
export const MAX_CLAIMED_WORKSPACES = 25;

const limiter = (ctx: Pick<ServiceContext, "env">, userId: string) =>
  ctx.env.RATE_LIMITER.get(ctx.env.RATE_LIMITER.idFromName(`user:${userId}`));

/**
 * The claims for a new access token. The epoch is read before the memberships: a change that
 * lands in between then shows as a newer epoch, never as a stale claim under a current one.
 * Without a reachable epoch (or with limits off) the token carries no claims.
 */
export async function membershipClaims(
  ctx: ServiceContext,
  userId: string,
): Promise<{ ws?: Record<string, MembershipClaim>; ep?: number }> {
  if (ctx.env.RATE_LIMITS === "off") return {};
  let ep: number;
  try {
    ep = await limiter(ctx, userId).epoch();
  } catch {
    return {};
  }
  const rows = await ctx.control
    .select({ workspaceId: workspaceMembers.workspaceId, id: workspaceMembers.id, role: workspaceMembers.role })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.userId, userId), eq(workspaceMembers.status, "active")))
    .limit(MAX_CLAIMED_WORKSPACES + 1);
  if (rows.length > MAX_CLAIMED_WORKSPACES) return {};
  return { ws: Object.fromEntries(rows.map((r) => [r.workspaceId, [r.role, r.id] as MembershipClaim])), ep };
}

/** Call after changing one of `userId`'s active memberships: their current tokens' claims go stale. */
export async function bumpMembershipEpoch(ctx: ServiceContext, userId: string): Promise<void> {
  // Their API keys carry the membership too (cached 5 s): at once in this isolate.
  forgetApiKeysOf(userId);
  try {
    await limiter(ctx, userId).bumpEpoch();
  } catch (e) {
    // The token lifetime (15 min) still bounds how long the old claim can be used.
    console.warn(JSON.stringify({ level: "warn", msg: "membership epoch bump failed", user_id: userId, error: String(e) }));
  }
}
