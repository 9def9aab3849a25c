import { eq } from "drizzle-orm";
import { consumeAttempt, EMAIL_SENDS } from "../../../platform/attempts";
import { runAfterResponse, type ServiceContext } from "../../../platform/context";
import { enqueueEmail } from "../../../platform/email/outbox";
import { users } from "../../../platform/identity/tables";
import { hashPassword } from "../../../platform/passwords";
import { findUserByEmail, RESET_TOKEN_TTL_MS } from "../internal";
import { revokeAllSessions } from "./sessions";
import { consumeUserToken, createUserToken } from "./tokens";

export const RESET_MESSAGE = "If an account exists for this email, a password reset link has been sent";

/** Emails a reset link valid for `ttlMs` (1 h by default); returns the link for admin-made links. */
export async function issuePasswordReset(ctx: ServiceContext, userId: string, email: string, ttlMs = RESET_TOKEN_TTL_MS, send = true) {
  const token = await createUserToken(ctx, { userId, purpose: "password_reset", ttlMs });
  const link = new URL("/reset-password", ctx.env.APP_URL);
  link.searchParams.set("token", token);
  if (send) {
    await enqueueEmail(ctx.control, {
      to: email,
      subject: "Reset your Atrium password",
      text: `Someone asked to reset the password of this account.\n\nReset it here: ${link}\n\nThe link is valid for ${Math.round(ttlMs / 3600_000)} hour(s) and works once. If it was not you, ignore this email.`,
      template: "password_reset",
      data: { token, link: link.toString(), user_id: userId },
    });
  }
  return link.toString();
}

/**
 * Always the same answer in the same time, so the endpoint does not reveal which emails have
 * accounts: the lookup and the email happen after the response (on a forked context, whose
 * connections outlive the request's). Each address gets at most EMAIL_SENDS requests an hour,
 * counted whether or not it has an account.
 */
export async function requestPasswordReset(ctx: ServiceContext, input: { email: string }) {
  await consumeAttempt(ctx, EMAIL_SENDS, input.email);
  runAfterResponse(ctx, "password reset email", async (bg) => {
    const user = await findUserByEmail(bg.control, input.email);
    if (user?.isActive) await issuePasswordReset(bg, user.id, user.email);
  });
  return { message: RESET_MESSAGE };
}

/** Single use; sets the password and signs out every existing session. */
export async function resetPassword(ctx: ServiceContext, input: { token: string; new_password: string }) {
  const row = await consumeUserToken(ctx, input.token, "password_reset");
  await ctx.control
    .update(users)
    .set({ passwordHash: await hashPassword(input.new_password), isVerified: true })
    .where(eq(users.id, row.userId));
  await revokeAllSessions(ctx, row.userId);
  return { message: "Password has been reset; please sign in" };
}
