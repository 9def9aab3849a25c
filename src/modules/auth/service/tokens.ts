import { and, eq, isNull, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { randomToken, sha256Hex } from "../../../platform/crypto";
import { ServiceError } from "../../../platform/errors";
import { userTokens } from "../tables";

type Purpose = (typeof userTokens.$inferSelect)["purpose"];

/**
 * Creates a single-use emailed token (stored hashed); earlier unused ones of the same purpose die
 * unless `keepEarlier`. A `payload` travels in the token after a dot: the stored hash covers it,
 * so it comes back unaltered (tokenPayload) from a token that is found.
 */
export async function createUserToken(
  ctx: ServiceContext,
  a: { userId: string; purpose: Purpose; ttlMs: number; workspaceId?: string | null; payload?: string; keepEarlier?: boolean },
): Promise<string> {
  const token = a.payload === undefined ? randomToken(32) : `${randomToken(32)}.${a.payload}`;
  if (!a.keepEarlier) {
    await ctx.control
      .update(userTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(userTokens.userId, a.userId), eq(userTokens.purpose, a.purpose), isNull(userTokens.usedAt)));
  }
  await ctx.control.insert(userTokens).values({
    userId: a.userId,
    purpose: a.purpose,
    tokenHash: await sha256Hex(token),
    workspaceId: a.workspaceId ?? null,
    expiresAt: new Date(Date.now() + a.ttlMs),
  });
  return token;
}

/** Looks a token up without using it. Unknown, used and expired tokens are all errors. */
export async function peekUserToken(ctx: ServiceContext, token: string, purpose: Purpose) {
  const [row] = await ctx.control
    .select()
    .from(userTokens)
    .where(and(eq(userTokens.tokenHash, await sha256Hex(token)), eq(userTokens.purpose, purpose)))
    .limit(1);
  if (!row) throw new ServiceError("invalid_token", "Invalid or unknown token");
  if (row.usedAt) throw new ServiceError("invalid_token", "This link has already been used");
  if (row.expiresAt.getTime() <= Date.now()) throw new ServiceError("token_expired", "This link has expired");
  return row;
}

/** Uses a token exactly once (atomic), returning its row. */
export async function consumeUserToken(ctx: ServiceContext, token: string, purpose: Purpose) {
  const row = await peekUserToken(ctx, token, purpose);
  const [used] = await ctx.control
    .update(userTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(userTokens.id, row.id), isNull(userTokens.usedAt), sql`${userTokens.expiresAt} > now()`))
    .returning();
  if (!used) throw new ServiceError("invalid_token", "This link has already been used");
  return used;
}

/** The payload given to createUserToken (trust it only once the token was found). */
export function tokenPayload(token: string): string | undefined {
  const dot = token.indexOf(".");
  return dot < 0 ? undefined : token.slice(dot + 1);
}
