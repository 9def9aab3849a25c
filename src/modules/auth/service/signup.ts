import { and, eq, sql } from "drizzle-orm";
import { ACCESS_CODE_ATTEMPTS, assertAttemptsLeft, consumeAttempt, EMAIL_SENDS, recordFailedAttempt } from "../../../platform/attempts";
import { createContext, runAfterResponse, type ServiceContext } from "../../../platform/context";
import { timingSafeEqual } from "../../../platform/crypto";
import { isUniqueViolation } from "../../../platform/db";
import { enqueueEmail } from "../../../platform/email/outbox";
import { ServiceError } from "../../../platform/errors";
import { users, workspaces } from "../../../platform/identity/tables";
import { createJob, JobReporter } from "../../../platform/jobs/service";
import { hashPassword } from "../../../platform/passwords";
import type { ProgressFn } from "../../../platform/tenancy/service";
import { createWorkspace } from "../../workspaces/service";
import { findUserByEmail, toUser } from "../internal";
import type { SignupRequest, StripeInviteSignupRequest } from "../schemas";
import { paymentInvites } from "../tables";
import { defaultWorkspaceId, issueTokens } from "./sessions";

export interface Registration {
  email: string;
  password: string | null;
  fullName: string;
  companyName: string;
  plan: string;
  clerkId?: string | undefined;
  stripe?: { customerId: string | null; subscriptionId: string | null } | undefined;
}

/**
 * Billing seam: runs once the workspace is active. The billing module registers the Stripe
 * customer + 3-day trial subscription here (or returns a Checkout URL when no payment method
 * was given). Until it does, signups start on the trial plan with no subscription.
 */
export type AfterSignupHook = (
  ctx: ServiceContext,
  a: {
    userId: string;
    workspaceId: string;
    email: string;
    plan: string;
    paymentMethodId?: string | undefined;
    /** A Stripe payment invite's customer and subscription (paid before the account existed). */
    stripe?: { customerId: string | null; subscriptionId: string | null } | undefined;
  },
) => Promise<{ checkout_url?: string | null; subscription_id?: string | null }>;
export const afterSignupHooks: AfterSignupHook[] = [];

const noProgress: ProgressFn = async () => {};

async function assertEmailFree(ctx: ServiceContext, email: string) {
  if (await findUserByEmail(ctx.control, email)) throw new ServiceError("conflict", "A user with this email already exists");
}

/**
 * The signup flow: user → workspace (own database, migrations, member record) → billing →
 * tokens. All or nothing: on failure the user and workspace are removed again, so the email
 * can simply sign up again.
 */
export async function registerWithWorkspace(
  ctx: ServiceContext,
  r: Registration,
  progress: ProgressFn = noProgress,
  paymentMethodId?: string,
) {
  await progress("validating", 5, "Checking your details");
  await assertEmailFree(ctx, r.email);
  await progress("creating_user", 15, "Creating your account");
  const passwordHash = r.password ? await hashPassword(r.password) : null;
  let user: typeof users.$inferSelect | undefined;
  try {
    [user] = await ctx.control
      .insert(users)
      .values({
        email: r.email,
        passwordHash,
        fullName: r.fullName,
        displayName: r.fullName,
        isVerified: true,
        clerkId: r.clerkId ?? null,
      })
      .returning();
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServiceError("conflict", "A user with this email already exists");
    throw e;
  }
  if (!user) throw new Error("user insert returned nothing");
  try {
    const workspace = await createWorkspace({
      ctx,
      input: { name: r.companyName },
      owner: { id: user.id, email: user.email, fullName: user.fullName },
      progress,
    });
    await progress("seeding", 88, "Setting up your plan");
    await ctx.control
      .update(workspaces)
      .set({
        plan: r.plan,
        stripeCustomerId: r.stripe?.customerId ?? null,
        stripeSubscriptionId: r.stripe?.subscriptionId ?? null,
      })
      .where(eq(workspaces.id, workspace.id));
    let billing: { checkout_url?: string | null; subscription_id?: string | null } = {};
    for (const hook of afterSignupHooks) {
      billing = {
        ...billing,
        ...(await hook(ctx, {
          userId: user.id,
          workspaceId: workspace.id,
          email: user.email,
          plan: r.plan,
          paymentMethodId,
          stripe: r.stripe,
        })),
      };
    }
    await progress("issuing_tokens", 95, "Signing you in");
    const tokens = await issueTokens(ctx, user);
    return {
      ...tokens,
      user: toUser(user),
      workspace_id: workspace.id,
      workspace: { ...workspace, plan: r.plan },
      checkout_url: billing.checkout_url ?? null,
      subscription_id: billing.subscription_id ?? r.stripe?.subscriptionId ?? null,
    };
  } catch (e) {
    // The workspace removed itself; remove the user so nobody is left without a workspace.
    await ctx.control.delete(users).where(eq(users.id, user.id));
    throw e;
  }
}

export async function signup({ ctx, input }: { ctx: ServiceContext; input: SignupRequest }) {
  return registerWithWorkspace(
    ctx,
    { email: input.email, password: input.password, fullName: input.full_name, companyName: input.company_name, plan: input.plan },
    noProgress,
    input.payment_method_id,
  );
}

// ---- Stripe payment invites --------------------------------------------------------------

type InviteRow = typeof paymentInvites.$inferSelect;

function inviteStatus(i: InviteRow): "pending" | "used" | "expired" {
  if (i.status !== "pending") return i.status;
  return i.expiresAt && i.expiresAt.getTime() <= Date.now() ? "expired" : "pending";
}

export function toPaymentInvite(i: InviteRow, opts: { accessCodeValid?: boolean } = {}) {
  const status = inviteStatus(i);
  return {
    invite_code: i.code,
    email: i.email,
    full_name: i.fullName,
    company_name: i.companyName,
    plan: i.plan,
    status,
    is_valid: status === "pending",
    expires_at: i.expiresAt ? i.expiresAt.toISOString() : null,
    ...(opts.accessCodeValid !== undefined ? { access_code_valid: opts.accessCodeValid } : {}),
  };
}

export async function getPaymentInvite(ctx: ServiceContext, code: string) {
  const [i] = await ctx.control.select().from(paymentInvites).where(eq(paymentInvites.code, code)).limit(1);
  if (!i) throw new ServiceError("not_found", "Invite not found");
  return toPaymentInvite(i);
}

/** Finds the newest pending invite for an email. The access code is checked and reported, not enforced. */
async function newestPendingInvite(db: ServiceContext["control"], email: string) {
  const [i] = await db
    .select()
    .from(paymentInvites)
    .where(and(sql`lower(${paymentInvites.email}) = ${email.toLowerCase()}`, eq(paymentInvites.status, "pending")))
    .orderBy(sql`${paymentInvites.createdAt} DESC`)
    .limit(1);
  return i;
}

export type LookupResult = { kind: "found"; invite: ReturnType<typeof toPaymentInvite> } | { kind: "emailed" };

/**
 * The /final-process page's lookup. The invite code is the only credential for signing up
 * with a paid subscription, so it is never handed to a caller who has not proven anything:
 * - with `access_code`: the invite is returned only when the code matches (compared in
 *   constant time); a wrong code and an unknown email are the same 404, and each email allows
 *   ACCESS_CODE_ATTEMPTS wrong codes per 15 minutes;
 * - without one: the registration link is emailed to the invite's own address, and the
 *   answer is the same whether or not an invite exists (and takes the same time).
 */
export async function lookupPaymentInvite(
  ctx: ServiceContext,
  input: { email: string; access_code?: string | undefined },
): Promise<LookupResult> {
  if (input.access_code === undefined) {
    await consumeAttempt(ctx, EMAIL_SENDS, input.email);
    runAfterResponse(ctx, "payment invite email", async (bg) => {
      const i = await newestPendingInvite(bg.control, input.email);
      if (i && inviteStatus(i) === "pending") await sendPaymentInviteEmail(bg, i);
    });
    return { kind: "emailed" };
  }
  await assertAttemptsLeft(ctx, ACCESS_CODE_ATTEMPTS, input.email);
  const i = await newestPendingInvite(ctx.control, input.email);
  if (!i?.accessCode || !timingSafeEqual(input.access_code, i.accessCode)) {
    await recordFailedAttempt(ctx, ACCESS_CODE_ATTEMPTS, input.email);
    throw new ServiceError("not_found", "No pending invite matches this email and access code");
  }
  return { kind: "found", invite: toPaymentInvite(i, { accessCodeValid: true }) };
}

async function sendPaymentInviteEmail(ctx: ServiceContext, i: InviteRow) {
  const link = new URL("/register", ctx.env.APP_URL);
  link.searchParams.set("invite_code", i.code);
  await enqueueEmail(ctx.control, {
    to: i.email,
    subject: "Finish setting up your Atrium account",
    text: `Your payment is complete. Create your account here: ${link}\n\nIf you did not ask for this email, ignore it.`,
    template: "payment_invite",
    data: { invite_code: i.code, link: link.toString() },
  });
}

/** Claims a pending invite atomically (a code can be used once). */
async function claimInvite(ctx: ServiceContext, code: string): Promise<InviteRow> {
  const [claimed] = await ctx.control
    .update(paymentInvites)
    .set({ status: "used", usedAt: new Date() })
    .where(
      and(
        eq(paymentInvites.code, code),
        eq(paymentInvites.status, "pending"),
        sql`(${paymentInvites.expiresAt} IS NULL OR ${paymentInvites.expiresAt} > now())`,
      ),
    )
    .returning();
  if (claimed) return claimed;
  const [i] = await ctx.control.select().from(paymentInvites).where(eq(paymentInvites.code, code)).limit(1);
  if (!i) throw new ServiceError("not_found", "Invite not found");
  throw new ServiceError("conflict", inviteStatus(i) === "expired" ? "This invite has expired" : "This invite has already been used");
}

async function releaseInvite(ctx: ServiceContext, inviteId: string) {
  await ctx.control.update(paymentInvites).set({ status: "pending", usedAt: null }).where(eq(paymentInvites.id, inviteId));
}

async function registerFromInvite(ctx: ServiceContext, invite: InviteRow, input: StripeInviteSignupRequest, progress?: ProgressFn) {
  try {
    const result = await registerWithWorkspace(
      ctx,
      {
        email: invite.email.toLowerCase(),
        // Clerk users sign in through Clerk: no password at all is safer than a random one.
        password: input.password ?? null,
        fullName: input.full_name ?? invite.fullName ?? invite.email.split("@")[0] ?? "New user",
        companyName: input.company_name ?? invite.companyName ?? "My workspace",
        plan: invite.plan,
        clerkId: input.clerk_id,
        stripe: { customerId: invite.stripeCustomerId, subscriptionId: invite.stripeSubscriptionId },
      },
      progress,
    );
    await ctx.control.update(paymentInvites).set({ usedByUserId: result.user.id }).where(eq(paymentInvites.id, invite.id));
    return result;
  } catch (e) {
    await releaseInvite(ctx, invite.id);
    throw e;
  }
}

export async function signupWithInvite({ ctx, input }: { ctx: ServiceContext; input: StripeInviteSignupRequest }) {
  const invite = await claimInvite(ctx, input.invite_code);
  return registerFromInvite(ctx, invite, input);
}

export const SIGNUP_JOB = "signup";

/**
 * Async signup: validates and claims the invite now (so bad input is a 4xx at once), then
 * provisions in the background, streaming progress to the job's JobProgress object. The final
 * COMPLETED event carries the session tokens; they are never written to the database.
 */
export async function startSignupWithInvite({ ctx, input }: { ctx: ServiceContext; input: StripeInviteSignupRequest }) {
  const invite = await claimInvite(ctx, input.invite_code);
  try {
    await assertEmailFree(ctx, invite.email);
  } catch (e) {
    await releaseInvite(ctx, invite.id);
    throw e;
  }
  const jobId = await createJob(ctx, { kind: SIGNUP_JOB });
  // Its own context: the request's connections close when the response is sent.
  const jobCtx = createContext({
    env: ctx.env,
    requestId: ctx.requestId,
    waitUntil: ctx.waitUntil,
    actor: { kind: "system", name: "signup" },
  });
  ctx.waitUntil(runSignupJob(jobCtx, jobId, invite, input).finally(() => jobCtx.connections.close()));
  return { job_id: jobId, stream_url: `/api/v1/auth/signup/jobs/${jobId}/stream`, status: "QUEUED" };
}

async function runSignupJob(ctx: ServiceContext, jobId: string, invite: InviteRow, input: StripeInviteSignupRequest) {
  const reporter = new JobReporter(ctx, jobId);
  try {
    await reporter.update({ status: "RUNNING", progress: 0, step: "validating", message: "Starting" });
    const result = await registerFromInvite(ctx, invite, input, (step, progress, message) =>
      reporter.update({ status: "RUNNING", progress, step, message }),
    );
    await reporter.update({
      status: "COMPLETED",
      progress: 100,
      step: "completed",
      message: "Your workspace is ready",
      result: { workspace_id: result.workspace.id, workspace_name: result.workspace.name, user_id: result.user.id },
      secret: {
        access_token: result.access_token,
        refresh_token: result.refresh_token,
        token_type: result.token_type,
        expires_in: result.expires_in,
      },
    });
  } catch (e) {
    const message = e instanceof ServiceError ? e.message : "Your workspace could not be created. Please try again.";
    console.error(
      JSON.stringify({
        level: "error",
        msg: "signup job failed",
        job_id: jobId,
        error: String(e),
        cause: String((e as Error).cause ?? ""),
      }),
    );
    await reporter
      .update({ status: "FAILED", progress: 100, step: "failed", message, error: message })
      .catch((err) => console.error(JSON.stringify({ level: "error", msg: "job report failed", job_id: jobId, error: String(err) })));
  }
}

export { defaultWorkspaceId };
