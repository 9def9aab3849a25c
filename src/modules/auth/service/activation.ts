import { and, eq } from "drizzle-orm";
import { consumeAttempt, EMAIL_SENDS } from "../../../platform/attempts";
import { runAfterResponse, type ServiceContext } from "../../../platform/context";
import { enqueueEmail } from "../../../platform/email/outbox";
import { ServiceError } from "../../../platform/errors";
import { users, workspaceMembers, workspaces } from "../../../platform/identity/tables";
import { isUuid } from "../../../platform/ids";
import { hashPassword } from "../../../platform/passwords";
import { ACTIVATION_TOKEN_TTL_MS, findUserByEmail, getUserOrThrow, toUser } from "../internal";
import { startSession } from "./sessions";
import { consumeUserToken, createUserToken, peekUserToken } from "./tokens";

/**
 * Sends an activation email: for users created without a password (invited, provisioned by
 * staff) or registered through the legacy endpoint. Other modules call this too.
 */
export async function sendActivationEmail(ctx: ServiceContext, userId: string, workspaceId: string | null) {
  const user = await getUserOrThrow(ctx.control, userId);
  const token = await createUserToken(ctx, { userId, purpose: "activation", ttlMs: ACTIVATION_TOKEN_TTL_MS, workspaceId });
  const link = new URL("/activate", ctx.env.APP_URL);
  link.searchParams.set("token", token);
  if (workspaceId) link.searchParams.set("workspace_id", workspaceId);
  await enqueueEmail(ctx.control, {
    to: user.email,
    subject: "Activate your Atrium account",
    text: `Hello${user.fullName ? ` ${user.fullName}` : ""},\n\nActivate your account here: ${link}\n\nThe link is valid for 7 days.`,
    template: "activation",
    data: { token, link: link.toString(), user_id: userId, workspace_id: workspaceId },
  });
}

export async function validateActivation(ctx: ServiceContext, input: { workspace_id: string; token: string }) {
  const row = await peekUserToken(ctx, input.token, "activation");
  // A token bound to a workspace is only valid for that workspace's link.
  if (row.workspaceId && row.workspaceId !== input.workspace_id) throw new ServiceError("invalid_token", "Invalid or unknown token");
  const user = await getUserOrThrow(ctx.control, row.userId);
  let workspace: { id: string; name: string } | null = null;
  if (row.workspaceId) {
    const [w] = await ctx.control
      .select({ id: workspaces.id, name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, row.workspaceId))
      .limit(1);
    workspace = w ?? null;
  }
  return {
    valid: true as const,
    user: { id: user.id, email: user.email, full_name: user.fullName, has_password: user.passwordHash !== null },
    workspace,
  };
}

/** Sets the password, marks the account verified (and a pending membership active), signs in. */
export async function activate(ctx: ServiceContext, input: { token: string; password: string; workspace_id?: string | undefined }) {
  const pre = await peekUserToken(ctx, input.token, "activation");
  if (input.workspace_id && pre.workspaceId && pre.workspaceId !== input.workspace_id) {
    throw new ServiceError("invalid_token", "Invalid or unknown token");
  }
  const row = await consumeUserToken(ctx, input.token, "activation");
  const [user] = await ctx.control
    .update(users)
    .set({ passwordHash: await hashPassword(input.password), isVerified: true })
    .where(eq(users.id, row.userId))
    .returning();
  if (!user) throw new ServiceError("not_found", "User not found");
  if (!user.isActive) throw new ServiceError("forbidden", "This account is disabled");
  if (row.workspaceId) {
    await ctx.control
      .update(workspaceMembers)
      .set({ status: "active", joinedAt: new Date() })
      .where(and(eq(workspaceMembers.userId, user.id), eq(workspaceMembers.workspaceId, row.workspaceId)));
  }
  const session = await startSession(ctx, user);
  return { ...session, workspace_id: row.workspaceId ?? session.workspace_id };
}

/** Always answers the same, whether or not the email is known or still needs activation. */
export async function resendActivation(ctx: ServiceContext, input: { email: string; workspace_id?: string | undefined }) {
  await consumeAttempt(ctx, EMAIL_SENDS, input.email);
  // After the response, so the answer takes the same time whatever the email is.
  runAfterResponse(ctx, "activation email", async (bg) => {
    const user = await findUserByEmail(bg.control, input.email);
    if (user?.isActive && (!user.isVerified || user.passwordHash === null)) {
      let workspaceId: string | null = null;
      if (input.workspace_id && isUuid(input.workspace_id)) {
        const [m] = await bg.control
          .select({ id: workspaceMembers.workspaceId })
          .from(workspaceMembers)
          .where(and(eq(workspaceMembers.userId, user.id), eq(workspaceMembers.workspaceId, input.workspace_id)))
          .limit(1);
        workspaceId = m?.id ?? null;
      }
      await sendActivationEmail(bg, user.id, workspaceId);
    }
  });
  return { message: "If the account needs activation, an email is on its way" };
}

/** Legacy registration: the user only (no workspace), to be activated by email before sign-in. */
export async function registerLegacy(ctx: ServiceContext, input: { email: string; password: string; full_name: string }) {
  if (await findUserByEmail(ctx.control, input.email)) throw new ServiceError("conflict", "A user with this email already exists");
  const [user] = await ctx.control
    .insert(users)
    .values({
      email: input.email,
      passwordHash: await hashPassword(input.password),
      fullName: input.full_name,
      displayName: input.full_name,
      isVerified: false,
    })
    .onConflictDoNothing()
    .returning();
  if (!user) throw new ServiceError("conflict", "A user with this email already exists");
  await sendActivationEmail(ctx, user.id, null);
  return toUser(user);
}
