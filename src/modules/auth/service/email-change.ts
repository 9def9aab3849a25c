import { and, eq, gte, isNull } from "drizzle-orm";
import { assertAttemptsLeft, PASSWORD_ATTEMPTS, recordFailedAttempt } from "../../../platform/attempts";
import type { ServiceContext } from "../../../platform/context";
import { decryptSecret, encryptSecret } from "../../../platform/crypto";
import { isUniqueViolation } from "../../../platform/db";
import { enqueueEmail } from "../../../platform/email/outbox";
import { ServiceError } from "../../../platform/errors";
import { users, workspaceMembers } from "../../../platform/identity/tables";
import { verifyPassword } from "../../../platform/passwords";
import { openTenantDb } from "../../../platform/tenancy/connection";
import { syncMemberProfile } from "../../members/service";
import { RESET_TOKEN_TTL_MS, type UserRow } from "../internal";
import { userTokens } from "../tables";
import { issuePasswordReset } from "./password-reset";
import { revokeAllSessions } from "./sessions";
import { consumeUserToken, createUserToken, peekUserToken, tokenPayload } from "./tokens";

/** How long the old address can undo a change the user made. */
export const EMAIL_REVERT_TTL_MS = 7 * 24 * 3600_000;

/** The new email when `email` differs from the user's, else undefined. */
export const emailChange = (user: UserRow, email: string | undefined) =>
  email !== undefined && email.toLowerCase() !== user.email.toLowerCase() ? email : undefined;

/**
 * Changing your own email needs your current password: 422 when missing, 403 when wrong. Wrong
 * passwords count against the account's sign-in limit (a stolen access token cannot guess freely).
 */
export async function confirmCurrentPassword(ctx: ServiceContext, user: UserRow, given: string | undefined) {
  const loc = ["body", "current_password"];
  if (given === undefined) {
    throw new ServiceError("validation_error", "current_password is required to change your email", {
      issues: [{ loc, msg: "Field required to change your email", type: "missing" }],
    });
  }
  await assertAttemptsLeft(ctx, PASSWORD_ATTEMPTS, user.email);
  if (!(await verifyPassword(given, user.passwordHash))) {
    await recordFailedAttempt(ctx, PASSWORD_ATTEMPTS, user.email);
    const msg = user.passwordHash
      ? "The current password is incorrect"
      : "This account has no password; set one with a password reset first";
    throw new ServiceError("forbidden", msg, { issues: [{ loc, msg, type: "invalid_password" }] });
  }
}

/** Each workspace keeps a copy of the member's email (notifications go to it): all follow. */
async function mirrorEmail(ctx: ServiceContext, userId: string, email: string) {
  const rows = await ctx.control
    .select({ workspaceId: workspaceMembers.workspaceId })
    .from(workspaceMembers)
    .where(and(eq(workspaceMembers.userId, userId), eq(workspaceMembers.status, "active")));
  for (const r of rows) await syncMemberProfile(await openTenantDb(ctx, r.workspaceId), userId, { email });
}

/**
 * After the email of `before` became `newEmail`: the member copies follow, and the old address
 * is told. A change the user made (`self`) comes with a single-use link that undoes it; the
 * old address travels encrypted in the token, so it comes back only with a token that is found.
 */
export async function emailChanged(ctx: ServiceContext, before: UserRow, newEmail: string, by: "self" | "admin") {
  await mirrorEmail(ctx, before.id, newEmail);
  const intro = `The email address of your Atrium account was changed from ${before.email} to ${newEmail}`;
  if (by === "admin") {
    await enqueueEmail(ctx.control, {
      to: before.email,
      subject: "The email address of your Atrium account was changed",
      text: `${intro} by an administrator of your workspace.\n\nIf you did not expect this, contact them.`,
      template: "email_changed_by_admin",
      data: { user_id: before.id, new_email: newEmail },
    });
    return;
  }
  const token = await createUserToken(ctx, {
    userId: before.id,
    purpose: "email_change_revert",
    ttlMs: EMAIL_REVERT_TTL_MS,
    // A second change must not void the first one's undo link.
    keepEarlier: true,
    payload: await encryptSecret(ctx.env.ENCRYPTION_KEY, before.email),
  });
  const link = new URL("/revert-email-change", ctx.env.APP_URL);
  link.searchParams.set("token", token);
  await enqueueEmail(ctx.control, {
    to: before.email,
    subject: "The email address of your Atrium account was changed",
    text:
      `${intro}.\n\nIf it was not you, undo it here: ${link}\n\n` +
      `That puts ${before.email} back, signs the account out everywhere and lets you set a new password. ` +
      "The link works once, for 7 days.",
    template: "email_changed",
    data: { token, link: link.toString(), user_id: before.id, new_email: newEmail },
  });
}

/**
 * The undo link of an email change: the old address comes back, every session ends, the undo
 * links of later changes and pending reset links die, and a fresh reset link (1 hour) is
 * returned, since whoever changed the email may know the password.
 */
export async function revertEmailChange(ctx: ServiceContext, input: { token: string }) {
  const row = await peekUserToken(ctx, input.token, "email_change_revert");
  let email: string;
  try {
    email = await decryptSecret(ctx.env.ENCRYPTION_KEY, tokenPayload(input.token) ?? "");
  } catch {
    throw new ServiceError("invalid_token", "Invalid or unknown token");
  }
  try {
    await ctx.control.update(users).set({ email }).where(eq(users.id, row.userId));
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServiceError("conflict", `Another account now uses ${email}; contact support`);
    throw e;
  }
  await consumeUserToken(ctx, input.token, "email_change_revert");
  // Later changes' links went to addresses this one replaces; earlier ones stay valid.
  await ctx.control
    .update(userTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(userTokens.userId, row.userId),
        eq(userTokens.purpose, "email_change_revert"),
        isNull(userTokens.usedAt),
        gte(userTokens.createdAt, row.createdAt),
      ),
    );
  await revokeAllSessions(ctx, row.userId);
  await mirrorEmail(ctx, row.userId, email);
  // A new reset token voids any the other address asked for.
  const resetUrl = await issuePasswordReset(ctx, row.userId, email, RESET_TOKEN_TTL_MS, false);
  return {
    message: `The account's email is ${email} again and every session was signed out; set a new password with reset_url`,
    email,
    reset_url: resetUrl,
    reset_expires_at: new Date(Date.now() + RESET_TOKEN_TTL_MS).toISOString(),
  };
}
