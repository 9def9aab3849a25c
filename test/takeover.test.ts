// Account-takeover attacks from the security review, performed through the real app: each one
// worked before the fix. Mallory is a fresh sign-up who owns her workspace; Victor is someone else.
import { and, eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { refreshTokens } from "../src/modules/auth/tables";
import { users, workspaceMembers } from "../src/platform/identity/tables";
import { signImpersonationToken } from "../src/platform/jwt";
import { call, env, invitationTokenFor, lastEmail, makeStaff, nextEmail, type SignedUp, signup, uniqueEmail, withControl } from "./harness";
import { describeAnonymousLimits, expectNoSessionFor } from "./security";

const accept = (body: Record<string, unknown>, token?: string) => call("POST", "/api/v1/workspaces/invitations/accept", { body, token });

async function membershipOf(workspaceId: string, userId: string) {
  const [m] = await withControl((db) =>
    db
      .select()
      .from(workspaceMembers)
      .where(and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, userId))),
  );
  return m;
}

const liveRefreshTokens = (userId: string) => withControl((db) => db.$count(refreshTokens, eq(refreshTokens.userId, userId)));

async function inviteLink(owner: SignedUp, email: string, role = "admin") {
  const r = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite-link`, { token: owner.token, body: { email, role } });
  expect(r.status).toBe(200);
  return r.body as { token: string; member_id: string; invite_url: string };
}

describe("invitation tokens never act for the invitee", () => {
  it("an invite link for an existing account gives its holder no session and no membership change", async () => {
    const [mallory, victor] = await Promise.all([signup(), signup()]);
    const before = await liveRefreshTokens(victor.userId);
    const link = await inviteLink(mallory, victor.email);

    // The old attack: accept the link anonymously (with or without a password of her choosing).
    for (const body of [{ token: link.token }, { token: link.token, password: "mallory chose this" }]) {
      const r = await accept(body);
      expect(r.status).toBe(401);
      expectNoSessionFor(r.body, victor.userId);
    }
    // Signed in as herself, she is told the invitation is not hers.
    const asMallory = await accept({ token: link.token }, mallory.token);
    expect(asMallory.status).toBe(403);
    expectNoSessionFor(asMallory.body, victor.userId);

    expect(await liveRefreshTokens(victor.userId)).toBe(before);
    expect((await membershipOf(mallory.workspaceId, victor.userId))?.status).toBe("invited");
    // Victor's password still works and is still his.
    expect((await call("POST", "/api/v1/auth/login", { body: { email: victor.email, password: victor.password } })).status).toBe(200);

    // Victor chooses to join, signed in as himself.
    const joined = await accept({ token: link.token }, victor.token);
    expect(joined.status).toBe(200);
    expect(joined.body.user.id).toBe(victor.userId);
    expect((await membershipOf(mallory.workspaceId, victor.userId))?.status).toBe("active");
  });

  it("a shared link cannot set the first password of an email nobody has registered (pre-hijacking)", async () => {
    const mallory = await signup();
    const victim = uniqueEmail("future");
    const link = await inviteLink(mallory, victim, "member");
    const details = await call("GET", `/api/v1/workspaces/invitations/details?token=${link.token}`);
    expect(details.body).toMatchObject({ requires_sign_in: false, requires_password: false, requires_email_verification: true });

    const { mail, result } = await nextEmail(victim, "invitation", () => accept({ token: link.token, password: "mallory chose this" }));
    expect(result.status).toBe(202);
    expect(result.body).toMatchObject({ status: "verification_sent", email: victim });
    expectNoSessionFor(result.body, "");
    const [account] = await withControl((db) => db.select().from(users).where(eq(users.email, victim)));
    expect(account?.passwordHash).toBeNull();
    expect((await call("POST", "/api/v1/auth/login", { body: { email: victim, password: "mallory chose this" } })).status).toBe(401);
    // The link is spent; only the mailbox holds a token now.
    expect((await accept({ token: link.token, password: "mallory chose this" })).status).toBe(401);

    // The real owner of the mailbox sets their own password from the email.
    const own = await accept({ token: mail.data.token as string, password: "my own password" });
    expect(own.status).toBe(200);
    expect(own.body.user.email).toBe(victim);
    expect((await call("POST", "/api/v1/auth/login", { body: { email: victim, password: "my own password" } })).status).toBe(200);
  });

  it("an emailed invitation's token (or a URL holding it) never reaches the inviter", async () => {
    const owner = await signup();
    const email = uniqueEmail("mailbox");
    const inv = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, { token: owner.token, body: { email } });
    const resent = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/resend-invitation`, {
      token: owner.token,
      body: { member_id: inv.body.member_id },
    });
    const members = await call("GET", `/api/v1/workspaces/${owner.workspaceId}/members`, { token: owner.token });
    const token = await invitationTokenFor(email);
    for (const r of [inv, resent, members]) {
      expect(r.status).toBeLessThan(300);
      expect(JSON.stringify(r.body)).not.toContain(token);
    }
    expect(inv.body).toMatchObject({ delivery: "email", invite_url: null });
    expect(inv.body.token).toBeUndefined();
  });

  it("an existing account accepts with its own password, and wrong passwords count against its sign-in limit", async () => {
    const [owner, invitee] = await Promise.all([signup(), signup()]);
    const link = await inviteLink(owner, invitee.email, "member");
    const wrong = await accept({ token: link.token, password: "not the password" });
    expect(wrong.status).toBe(401);
    const right = await accept({ token: link.token, password: invitee.password });
    expect(right.status).toBe(200);
    expect(right.body.user.id).toBe(invitee.userId);
  });

  it("an impersonated session cannot accept an invitation for the user", async () => {
    const [staff, owner, user] = await Promise.all([signup(), signup(), signup()]);
    await makeStaff(staff.userId);
    const exchanged = await call("POST", "/api/v1/auth/impersonation/exchange", {
      body: { token: await signImpersonationToken(env.JWT_SECRET, user.userId, staff.userId) },
    });
    expect(exchanged.status).toBe(200);
    const link = await inviteLink(owner, user.email, "member");
    const r = await accept({ token: link.token }, exchanged.body.access_token);
    expect(r.status).toBe(403);
    expect((await membershipOf(owner.workspaceId, user.userId))?.status).toBe("invited");
  });
});

describe("impersonation tokens are single use and keep their mark", () => {
  it("replays fail; refreshed tokens stay impersonated; activity names both people", async () => {
    const [staff, user] = await Promise.all([signup(), signup()]);
    await makeStaff(staff.userId);
    const token = await signImpersonationToken(env.JWT_SECRET, user.userId, staff.userId);
    const first = await call("POST", "/api/v1/auth/impersonation/exchange", { body: { token } });
    expect(first.status).toBe(200);
    const replay = await call("POST", "/api/v1/auth/impersonation/exchange", { body: { token } });
    expect(replay.status).toBe(401);
    expectNoSessionFor(replay.body, user.userId);

    // Two refreshes later the session still says who is really acting.
    let refresh = first.body.refresh_token as string;
    let access = "";
    for (let i = 0; i < 2; i++) {
      const r = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: refresh } });
      expect(r.status).toBe(200);
      refresh = r.body.refresh_token;
      access = r.body.access_token;
      expect(decodeJwt(access).imp).toBe(staff.userId);
    }
    const me = await call("GET", "/api/v1/auth/me", { token: access });
    expect(me.body).toMatchObject({ id: user.userId, impersonated_by: staff.userId });

    const goal = await call("POST", "/api/v1/goals", { token: access, workspace: user.workspaceId, body: { title: "Set by staff" } });
    expect(goal.status).toBe(201);
    const feed = await call("GET", "/api/v1/activity/feed?types=goal", { token: user.token, workspace: user.workspaceId });
    const entry = feed.body.activities.find((a: { subject_id?: string; data: Record<string, unknown> }) => a.data.impersonated_by);
    expect(entry?.data.impersonated_by).toBe(staff.userId);
  });

  it("a token minted for someone who is not staff (or without an impersonator) is refused", async () => {
    const [notStaff, user] = await Promise.all([signup(), signup()]);
    const r = await call("POST", "/api/v1/auth/impersonation/exchange", {
      body: { token: await signImpersonationToken(env.JWT_SECRET, user.userId, notStaff.userId) },
    });
    expect(r.status).toBe(401);
    expectNoSessionFor(r.body, user.userId);
  });
});

describe("guessing limits", () => {
  it("10 failed passwords lock an account's sign-in for a while, from any IP; other accounts are untouched", async () => {
    const [victor, other] = await Promise.all([signup(), signup()]);
    for (let i = 0; i < 10; i++) {
      const r = await call("POST", "/api/v1/auth/login", { body: { email: victor.email, password: `guess ${i}` } });
      expect(r.status).toBe(401);
    }
    const locked = await call("POST", "/api/v1/auth/login", { body: { email: victor.email, password: victor.password } });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe("rate_limited");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expectNoSessionFor(locked.body, victor.userId);
    // Accepting an invitation with the account's password is the same guess, and is refused too.
    const owner = await signup();
    const link = await inviteLink(owner, victor.email, "member");
    expect((await accept({ token: link.token, password: victor.password })).status).toBe(429);
    // An unknown email is limited the same way (the limit tells nothing about which emails exist).
    const ghost = uniqueEmail("ghost");
    for (let i = 0; i < 10; i++) await call("POST", "/api/v1/auth/login", { body: { email: ghost, password: `guess ${i}` } });
    expect((await call("POST", "/api/v1/auth/login", { body: { email: ghost, password: "x".repeat(8) } })).status).toBe(429);
    expect((await call("POST", "/api/v1/auth/login", { body: { email: other.email, password: other.password } })).status).toBe(200);
  });

  it("password reset requests: same answer for known and unknown emails, at most 3 an hour per address", async () => {
    const a = await signup();
    // From a new address each time: the per-address quota holds whatever the IP.
    const send = (email: string) => call("POST", "/api/v1/auth/request-password-reset", { body: { email } });
    const ghost = uniqueEmail("ghost");
    for (let i = 0; i < 3; i++) {
      const [known, unknown] = [await send(a.email), await send(ghost)];
      expect(known.status).toBe(200);
      expect(known.body).toEqual(unknown.body);
    }
    const [known, unknown] = [await send(a.email), await send(ghost)];
    expect(known.status).toBe(429);
    expect(unknown.status).toBe(429);
    expect(known.body.detail).toBe(unknown.body.detail);
  });
});

describe("an attacker holding every token the API gives them", () => {
  it("never obtains a session or a membership change for another account", async () => {
    const [mallory, victor] = await Promise.all([signup(), signup()]);
    // Everything Mallory can get the API to hand her about Victor (the link leaves him "invited").
    const link = await inviteLink(mallory, victor.email);
    const before = { refresh: await liveRefreshTokens(victor.userId), memberships: await victorMemberships(victor) };
    const resetLink = await call("POST", `/api/v1/workspaces/${mallory.workspaceId}/users/${victor.userId}/password-reset-link`, {
      token: mallory.token,
    });
    expect(resetLink.status).toBe(404);
    const key = await call("POST", "/api/v1/api-keys", { token: mallory.token, workspace: mallory.workspaceId, body: { name: "k" } });
    const held = [link.token, mallory.refreshToken, mallory.token, key.body.key, link.invite_url].filter(Boolean) as string[];

    const attempts: [string, string, (t: string) => unknown][] = [
      ["POST", "/api/v1/workspaces/invitations/accept", (t) => ({ token: t, password: "mallory chose this" })],
      ["POST", "/api/v1/auth/activate", (t) => ({ token: t, password: "mallory chose this" })],
      ["POST", "/api/v1/auth/reset-password", (t) => ({ token: t, new_password: "mallory chose this" })],
      ["POST", "/api/v1/auth/refresh", (t) => ({ refresh_token: t })],
      ["POST", "/api/v1/auth/impersonation/exchange", (t) => ({ token: t })],
      ["POST", "/api/v1/auth/signup/stripe-invite", (t) => ({ invite_code: t, password: "mallory chose this" })],
      ["POST", "/api/v1/auth/lookup-invite", (t) => ({ email: victor.email, access_code: t.slice(0, 64) })],
    ];
    for (const t of held) {
      for (const [method, path, body] of attempts) {
        for (const bearer of [undefined, mallory.token]) {
          const r = await call(method, path, { body: body(t), token: bearer });
          expect(r.status, `${path} with a held token`).not.toBe(500);
          expectNoSessionFor(r.body, victor.userId);
        }
      }
    }
    expect(await liveRefreshTokens(victor.userId)).toBe(before.refresh);
    expect(await victorMemberships(victor)).toEqual(before.memberships);
    expect((await call("POST", "/api/v1/auth/login", { body: { email: victor.email, password: victor.password } })).status).toBe(200);
    expect(await lastEmail(victor.email, "invitation")).toBeUndefined();
  });
});

async function victorMemberships(v: SignedUp) {
  const rows = await withControl((db) => db.select().from(workspaceMembers).where(eq(workspaceMembers.userId, v.userId)));
  return rows.map((r) => `${r.workspaceId}:${r.status}:${r.role}`).sort();
}

describeAnonymousLimits();
