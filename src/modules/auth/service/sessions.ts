import { and, eq, isNull, sql } from "drizzle-orm";
import { assertAttemptsLeft, clearAttempts, PASSWORD_ATTEMPTS, recordFailedAttempt } from "../../../platform/attempts";
import type { ServiceContext } from "../../../platform/context";
import { randomToken, sha256Hex } from "../../../platform/crypto";
import { ServiceError } from "../../../platform/errors";
import { users, workspaceMembers } from "../../../platform/identity/tables";
import { uuidv7 } from "../../../platform/ids";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "../../../platform/jwt";
import { verifyPassword } from "../../../platform/passwords";
import { membershipClaims } from "../../../platform/tenancy/claims";
import { findUserByEmail, REFRESH_TOKEN_TTL_MS, toUser, type UserRow } from "../internal";
import { refreshTokens } from "../tables";

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "bearer";
  expires_in: number;
}

/** Issues an access token and a refresh token (new family unless one is continued). */
export async function issueTokens(
  ctx: ServiceContext,
  user: Pick<UserRow, "id" | "email">,
  opts: { familyId?: string; impersonatorId?: string } = {},
): Promise<TokenPair> {
  const refresh = randomToken(32);
  await ctx.control.insert(refreshTokens).values({
    userId: user.id,
    familyId: opts.familyId ?? uuidv7(),
    impersonatorId: opts.impersonatorId ?? null,
    tokenHash: await sha256Hex(refresh),
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_MS),
  });
  const access = await signAccessToken(ctx.env.JWT_SECRET, {
    sub: user.id,
    email: user.email,
    ...(opts.impersonatorId ? { imp: opts.impersonatorId } : {}),
    ...(await membershipClaims(ctx, user.id)),
  });
  return { access_token: access, refresh_token: refresh, token_type: "bearer", expires_in: ACCESS_TOKEN_TTL_SECONDS };
}

/** The default workspace after sign-in: the one last switched to, else the first joined. */
export async function defaultWorkspaceId(ctx: ServiceContext, userId: string): Promise<string | null> {
  const [m] = await ctx.control
    .select({ id: workspaceMembers.workspaceId })
    .from(workspaceMembers)
    .innerJoin(users, eq(users.id, workspaceMembers.userId))
    .where(and(eq(workspaceMembers.userId, userId), eq(workspaceMembers.status, "active")))
    .orderBy(sql`${workspaceMembers.workspaceId} = ${users.lastWorkspaceId} DESC NULLS LAST`, workspaceMembers.createdAt)
    .limit(1);
  return m?.id ?? null;
}

/** Tokens + user + default workspace: the shape every sign-in flow returns. */
export async function startSession(ctx: ServiceContext, user: UserRow, opts: { impersonatorId?: string } = {}) {
  const [tokens, workspaceId] = await Promise.all([issueTokens(ctx, user, opts), defaultWorkspaceId(ctx, user.id)]);
  await ctx.control.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  return { ...tokens, user: toUser(user), workspace_id: workspaceId };
}

export function assertCanSignIn(user: UserRow): void {
  if (!user.isActive) throw new ServiceError("forbidden", "This account is disabled");
  if (!user.isVerified) throw new ServiceError("forbidden", "This account is not activated yet; check your email");
}

/**
 * Same error for unknown email and wrong password, and the same work for both. Failures are
 * counted per email (known or not, so the limit tells nothing): after PASSWORD_ATTEMPTS a 429
 * until the oldest failure ages out; a success clears the count.
 */
export async function login({ ctx, input }: { ctx: ServiceContext; input: { email: string; password: string } }) {
  await assertAttemptsLeft(ctx, PASSWORD_ATTEMPTS, input.email);
  const user = await findUserByEmail(ctx.control, input.email);
  const ok = await verifyPassword(input.password, user?.passwordHash);
  if (!user || !ok) {
    await recordFailedAttempt(ctx, PASSWORD_ATTEMPTS, input.email);
    throw new ServiceError("unauthorized", "Incorrect email or password");
  }
  assertCanSignIn(user);
  ctx.waitUntil(clearAttempts(ctx, PASSWORD_ATTEMPTS, input.email));
  return startSession(ctx, user);
}

async function revokeFamily(ctx: ServiceContext, familyId: string) {
  await ctx.control
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/**
 * Rotation with reuse detection: each refresh token works once. Presenting one that was
 * already used (a stolen copy, or a replay) revokes its whole family, logging out both holders.
 */
export async function refresh({ ctx, input }: { ctx: ServiceContext; input: { refresh_token: string } }): Promise<TokenPair> {
  const hash = await sha256Hex(input.refresh_token);
  const [row] = await ctx.control.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash)).limit(1);
  if (!row) throw new ServiceError("invalid_token", "Invalid refresh token");
  if (row.revokedAt) throw new ServiceError("invalid_token", "Refresh token has been revoked");
  if (row.usedAt) {
    await revokeFamily(ctx, row.familyId);
    throw new ServiceError("invalid_token", "Refresh token reuse detected; all sessions of this sign-in were revoked");
  }
  if (row.expiresAt.getTime() <= Date.now()) throw new ServiceError("token_expired", "Refresh token has expired");
  // Claim it atomically: of two concurrent uses, exactly one wins; the other is a reuse.
  const claimed = await ctx.control
    .update(refreshTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  if (claimed.length === 0) {
    await revokeFamily(ctx, row.familyId);
    throw new ServiceError("invalid_token", "Refresh token reuse detected; all sessions of this sign-in were revoked");
  }
  const [user] = await ctx.control.select().from(users).where(eq(users.id, row.userId)).limit(1);
  if (!user?.isActive) {
    await revokeFamily(ctx, row.familyId);
    throw new ServiceError("invalid_token", "This account is disabled");
  }
  // An impersonated family stays impersonated: the mark travels with every rotation.
  return issueTokens(ctx, user, { familyId: row.familyId, ...(row.impersonatorId ? { impersonatorId: row.impersonatorId } : {}) });
}

export async function logout({
  ctx,
  userId,
  input,
}: {
  ctx: ServiceContext;
  userId: string;
  input: { refresh_token?: string | undefined; all_sessions: boolean };
}) {
  if (input.all_sessions) {
    await ctx.control
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  } else if (input.refresh_token) {
    const hash = await sha256Hex(input.refresh_token);
    const [row] = await ctx.control.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash)).limit(1);
    // Only the caller's own tokens; someone else's token is silently ignored (no oracle).
    if (row && row.userId === userId) await revokeFamily(ctx, row.familyId);
  }
  return { message: "Logged out" };
}

export async function revokeAllSessions(ctx: ServiceContext, userId: string) {
  await ctx.control
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
}
