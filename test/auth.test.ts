import { eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { refreshTokens } from "../src/modules/auth/tables";
import { users } from "../src/platform/identity/tables";
import { signImpersonationToken } from "../src/platform/jwt";
import { call, env, makeStaff, nextEmail, raw, signup, uniqueEmail, withControl } from "./harness";
import { describeSecurity } from "./security";

describe("signup → login → me", () => {
  it("creates the user, a workspace and signs in", async () => {
    const email = uniqueEmail("ada");
    const r = await call("POST", "/api/v1/auth/signup", {
      body: { email: email.toUpperCase(), password: "correct horse battery", full_name: "Ada", company_name: "Ada & Co" },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      token_type: "bearer",
      expires_in: 900,
      user: { email, full_name: "Ada", is_active: true, is_verified: true },
      workspace: { name: "Ada & Co", slug: expect.stringMatching(/^ada-co/), status: "active", role: "owner" },
      // No card given: a local trial and Stripe Checkout to subscribe (billing.test.ts covers the rest).
      checkout_url: expect.stringMatching(/\/checkout\/cs_/),
      subscription_id: null,
    });
    expect(r.body.workspace_id).toBe(r.body.workspace.id);

    const login = await call("POST", "/api/v1/auth/login", { body: { email, password: "correct horse battery" } });
    expect(login.status).toBe(200);
    expect(login.body.workspace_id).toBe(r.body.workspace.id);

    const me = await call("GET", "/api/v1/auth/me", { token: login.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: r.body.user.id, email, workspace_id: r.body.workspace.id, member: null });
    expect(me.body.workspaces).toHaveLength(1);

    const withMember = await call("GET", `/api/v1/auth/me?workspace_id=${r.body.workspace.id}`, { token: login.body.access_token });
    expect(withMember.status).toBe(200);
    expect(withMember.body.member).toMatchObject({ user_id: r.body.user.id, role: "owner", email });

    const member = await call("GET", "/api/v1/members/me", { token: login.body.access_token, workspace: r.body.workspace.id });
    expect(member.status).toBe(200);
    expect(member.body).toMatchObject({ user_id: r.body.user.id, role: "owner" });
  });

  it("rejects bad signup input with FastAPI-style 422 and writes nothing", async () => {
    const email = uniqueEmail("bad");
    const r = await call("POST", "/api/v1/auth/signup", { body: { email, password: "short", company_name: "" } });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe("validation_error");
    const locs = r.body.detail.map((d: { loc: string[] }) => d.loc.join("."));
    expect(locs).toEqual(expect.arrayContaining(["body.password", "body.full_name", "body.company_name"]));
    expect(r.body.detail.find((d: { loc: string[] }) => d.loc[1] === "full_name").type).toBe("missing");
    const rows = await withControl((db) => db.select().from(users).where(eq(users.email, email)));
    expect(rows).toHaveLength(0);
  });

  it("refuses a second account for the same email (any case)", async () => {
    const a = await signup();
    const r = await call("POST", "/api/v1/auth/signup", {
      body: { email: a.email.toUpperCase(), password: "another password", full_name: "B", company_name: "B" },
    });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("conflict");
  });

  it("answers wrong password and unknown user alike", async () => {
    const a = await signup();
    const wrong = await call("POST", "/api/v1/auth/login", { body: { email: a.email, password: "not the password" } });
    const unknown = await call("POST", "/api/v1/auth/login", { body: { email: uniqueEmail("nobody"), password: "whatever123" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it("rejects malformed JSON with 400 and oversized bodies with 413", async () => {
    const bad = await raw("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "bad_request" });
    const big = await raw("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@b.co", password: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: "payload_too_large" });
  });

  it("updates the profile and mirrors it into the workspace member record", async () => {
    const a = await signup();
    const r = await call("PUT", "/api/v1/auth/me", {
      token: a.token,
      workspace: a.workspaceId,
      body: { full_name: "Ada King", title: "Countess", phone: "+44 20 0000" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ full_name: "Ada King", title: "Countess" });
    const m = await call("GET", "/api/v1/members/me", { token: a.token, workspace: a.workspaceId });
    expect(m.body).toMatchObject({ full_name: "Ada King", title: "Countess" });
    const bad = await call("PUT", "/api/v1/auth/me", { token: a.token, body: { is_superuser: true } });
    expect(bad.status).toBe(422);
  });
});

describe("refresh tokens", () => {
  it("rotate on every use, and a replayed one revokes the whole family", async () => {
    const a = await signup();
    const first = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: a.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(a.refreshToken);
    const second = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: first.body.refresh_token } });
    expect(second.status).toBe(200);

    // The original token again: reuse. The newest token (second) must die with it.
    const replay = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: a.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toMatch(/reuse/);
    const after = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: second.body.refresh_token } });
    expect(after.status).toBe(401);

    // Other sign-ins (other families) are untouched.
    const login = await call("POST", "/api/v1/auth/login", { body: { email: a.email, password: a.password } });
    const other = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: login.body.refresh_token } });
    expect(other.status).toBe(200);
  });

  it("are stored only as hashes, expire, and reject forgeries", async () => {
    const a = await signup();
    const rows = await withControl((db) => db.select().from(refreshTokens).where(eq(refreshTokens.userId, a.userId)));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.tokenHash !== a.refreshToken && /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);

    const forged = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: "x".repeat(43) } });
    expect(forged.status).toBe(401);

    await withControl((db) =>
      db
        .update(refreshTokens)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(refreshTokens.userId, a.userId)),
    );
    const expired = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: a.refreshToken } });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe("token_expired");
  });

  it("logout revokes the session's refresh token", async () => {
    const a = await signup();
    const out = await call("POST", "/api/v1/auth/logout", { token: a.token, body: { refresh_token: a.refreshToken } });
    expect(out.status).toBe(200);
    const r = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: a.refreshToken } });
    expect(r.status).toBe(401);
    const noBody = await call("POST", "/api/v1/auth/logout", { token: a.token });
    expect(noBody.status).toBe(200);
  });
});

describe("legacy register and activation (via the email outbox)", () => {
  it("registers, blocks sign-in until activated, activates once", async () => {
    const email = uniqueEmail("legacy");
    const reg = await call("POST", "/api/v1/auth/register", { body: { email, password: "first password", full_name: "Legacy" } });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ email, is_verified: false });

    const blocked = await call("POST", "/api/v1/auth/login", { body: { email, password: "first password" } });
    expect(blocked.status).toBe(403);

    const { mail } = await nextEmail(email, "activation", () => call("POST", "/api/v1/auth/activate/resend", { body: { email } }));
    expect(mail?.subject).toMatch(/Activate/);
    const token = mail?.data.token as string;
    expect(mail?.textBody).toContain(token);

    const wsId = crypto.randomUUID();
    const valid = await call("GET", `/api/v1/auth/activate/validate?workspace_id=${wsId}&token=${token}`);
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({ valid: true, user: { email, has_password: true }, workspace: null });

    const act = await call("POST", "/api/v1/auth/activate", { body: { token, password: "second password" } });
    expect(act.status).toBe(200);
    expect(act.body.user.is_verified).toBe(true);
    expect(act.body.workspace_id).toBeNull();

    const again = await call("POST", "/api/v1/auth/activate", { body: { token, password: "third password" } });
    expect(again.status).toBe(401);
    const login = await call("POST", "/api/v1/auth/login", { body: { email, password: "second password" } });
    expect(login.status).toBe(200);

    // A created-but-workspace-less user can now make a workspace of their own.
    const ws = await call("POST", "/api/v1/workspaces", { token: login.body.access_token, body: { name: "Legacy Works" } });
    expect(ws.status).toBe(201);
    expect(ws.body).toMatchObject({ name: "Legacy Works", role: "owner", status: "active" });
  });

  it("rejects unknown activation tokens and answers resend the same for unknown emails", async () => {
    const v = await call("GET", `/api/v1/auth/activate/validate?workspace_id=${crypto.randomUUID()}&token=${"a".repeat(43)}`);
    expect(v.status).toBe(401);
    const missing = await call("GET", "/api/v1/auth/activate/validate?token=abc");
    expect(missing.status).toBe(422);
    const r = await call("POST", "/api/v1/auth/activate/resend", { body: { email: uniqueEmail("ghost") } });
    expect(r.status).toBe(200);
  });
});

describe("password reset (via the email outbox)", () => {
  it("always answers 200; the token works once, signs out old sessions", async () => {
    const a = await signup();
    const unknown = await call("POST", "/api/v1/auth/request-password-reset", { body: { email: uniqueEmail("nobody") } });
    const { mail, result: known } = await nextEmail(a.email, "password_reset", () =>
      call("POST", "/api/v1/auth/request-password-reset", { body: { email: a.email } }),
    );
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    expect(known.body).toEqual(unknown.body);

    const token = mail.data.token as string;
    expect(token).toBeTruthy();
    const weak = await call("POST", "/api/v1/auth/reset-password", { body: { token, new_password: "short" } });
    expect(weak.status).toBe(422);
    const ok = await call("POST", "/api/v1/auth/reset-password", { body: { token, new_password: "brand new password" } });
    expect(ok.status).toBe(200);
    const reuse = await call("POST", "/api/v1/auth/reset-password", { body: { token, new_password: "another new password" } });
    expect(reuse.status).toBe(401);

    expect((await call("POST", "/api/v1/auth/login", { body: { email: a.email, password: a.password } })).status).toBe(401);
    expect((await call("POST", "/api/v1/auth/login", { body: { email: a.email, password: "brand new password" } })).status).toBe(200);
    expect((await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: a.refreshToken } })).status).toBe(401);
  });

  it("expires reset tokens after an hour", async () => {
    const a = await signup();
    const { mail } = await nextEmail(a.email, "password_reset", () =>
      call("POST", "/api/v1/auth/request-password-reset", { body: { email: a.email } }),
    );
    const token = mail.data.token as string;
    const { userTokens } = await import("../src/modules/auth/tables");
    await withControl((db) =>
      db
        .update(userTokens)
        .set({ expiresAt: new Date(Date.now() - 1) })
        .where(eq(userTokens.userId, a.userId)),
    );
    const r = await call("POST", "/api/v1/auth/reset-password", { body: { token, new_password: "brand new password" } });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("token_expired");
  });
});

describe("impersonation and Clerk", () => {
  it("exchanges an impersonation token for a session marked as impersonated", async () => {
    const [staff, target] = await Promise.all([signup(), signup()]);
    await makeStaff(staff.userId);
    const token = await signImpersonationToken(env.JWT_SECRET, target.userId, staff.userId);
    const r = await call("POST", "/api/v1/auth/impersonation/exchange", { body: { token } });
    expect(r.status).toBe(200);
    expect(r.body.user.id).toBe(target.userId);
    const me = await call("GET", "/api/v1/auth/me", { token: r.body.access_token });
    expect(me.body).toMatchObject({ id: target.userId, impersonated_by: staff.userId });

    // An access token is not an impersonation token, and vice versa.
    const wrongType = await call("POST", "/api/v1/auth/impersonation/exchange", { body: { token: target.token } });
    expect(wrongType.status).toBe(401);
    const asAccess = await call("GET", "/api/v1/auth/me", { token });
    expect(asAccess.status).toBe(401);
    const expired = await new SignJWT({ type: "impersonation" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(target.userId)
      .setIssuer("atrium")
      .setAudience("atrium-impersonation")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    const late = await call("POST", "/api/v1/auth/impersonation/exchange", { body: { token: expired } });
    expect(late.status).toBe(401);
    expect(late.body.code).toBe("token_expired");
  });

  it("checks Clerk users behind X-Clerk-Secret and never creates them", async () => {
    const a = await signup();
    const body = { email: a.email, clerk_id: `user_${crypto.randomUUID()}` };
    const noSecret = await call("POST", "/api/v1/auth/clerk/check", { body });
    expect(noSecret.status).toBe(401);
    const wrong = await call("POST", "/api/v1/auth/clerk/check", { body, headers: { "x-clerk-secret": "nope" } });
    expect(wrong.status).toBe(401);
    const ok = await call("POST", "/api/v1/auth/clerk/check", { body, headers: { "x-clerk-secret": env.CLERK_SECRET as string } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ exists: true, user: { id: a.userId }, workspace_id: a.workspaceId });
    expect(ok.body.access_token).toBeTruthy();

    const stranger = await call("POST", "/api/v1/auth/clerk/check", {
      body: { email: uniqueEmail("stranger"), clerk_id: "user_stranger" },
      headers: { "x-clerk-secret": env.CLERK_SECRET as string },
    });
    expect(stranger.body).toEqual({ exists: false });
    // Same email, another Clerk identity: no session.
    const hijack = await call("POST", "/api/v1/auth/clerk/check", {
      body: { email: a.email, clerk_id: "user_someone_else" },
      headers: { "x-clerk-secret": env.CLERK_SECRET as string },
    });
    expect(hijack.body).toEqual({ exists: false });
  });
});

describe("users by id: the same-or-higher role rule", () => {
  it("lets you see yourself, and hides users you share no workspace with", async () => {
    const [a, b] = await Promise.all([signup(), signup()]);
    expect((await call("GET", `/api/v1/auth/${a.userId}`, { token: a.token })).status).toBe(200);
    const other = await call("GET", `/api/v1/auth/${b.userId}`, { token: a.token });
    expect(other.status).toBe(404);
    const upd = await call("PUT", `/api/v1/auth/${b.userId}`, { token: a.token, body: { full_name: "Hacked" } });
    expect(upd.status).toBe(404);
    expect((await call("GET", "/api/v1/auth/not-a-uuid", { token: a.token })).status).toBe(404);
  });

  it("applies rank within a shared workspace, including role changes", async () => {
    const { workspaceMembers } = await import("../src/platform/identity/tables");
    const [owner, m] = await Promise.all([signup(), signup()]);
    // m joins owner's workspace as a member (the invitations flow lands with the workspaces issue).
    await withControl((db) => db.insert(workspaceMembers).values({ workspaceId: owner.workspaceId, userId: m.userId, role: "member" }));

    expect((await call("GET", `/api/v1/auth/${m.userId}`, { token: owner.token })).status).toBe(200);
    // A member cannot see (or edit) the owner: lower rank.
    expect((await call("GET", `/api/v1/auth/${owner.userId}`, { token: m.token })).status).toBe(404);
    expect((await call("PUT", `/api/v1/auth/${owner.userId}`, { token: m.token, body: { full_name: "x" } })).status).toBe(404);

    const edit = await call("PUT", `/api/v1/auth/${m.userId}`, { token: owner.token, body: { title: "Engineer" } });
    expect(edit.status).toBe(200);
    expect(edit.body.title).toBe("Engineer");

    const noWs = await call("PUT", `/api/v1/auth/${m.userId}`, { token: owner.token, body: { role: "admin" } });
    expect(noWs.status).toBe(422);
    const promote = await call("PUT", `/api/v1/auth/${m.userId}`, {
      token: owner.token,
      workspace: owner.workspaceId,
      body: { role: "admin" },
    });
    expect(promote.status).toBe(200);
    // Now an admin, m still cannot make anyone owner, nor change their own role.
    const self = await call("PUT", `/api/v1/auth/${m.userId}`, { token: m.token, workspace: owner.workspaceId, body: { role: "owner" } });
    expect(self.status).toBe(403);
    const demoteOwner = await call("PUT", `/api/v1/auth/${owner.userId}`, {
      token: m.token,
      workspace: owner.workspaceId,
      body: { role: "viewer" },
    });
    expect(demoteOwner.status).toBe(404);
  });
});

describe("avatars", () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

  it("uploads to R2 and serves it back", async () => {
    const a = await signup();
    const form = new FormData();
    form.append("file", new File([png], "me.png", { type: "image/png" }));
    const r = await raw("/api/v1/auth/me/avatar", { method: "POST", headers: { authorization: `Bearer ${a.token}` }, body: form });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { avatar_url: string; user: { avatar_url: string } };
    expect(body.user.avatar_url).toBe(body.avatar_url);
    const path = new URL(body.avatar_url).pathname;
    const img = await raw(path);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(png);
  });

  it("rejects non-images, lying content types and missing files", async () => {
    const a = await signup();
    const send = (f?: File) => {
      const form = new FormData();
      if (f) form.append("file", f);
      else form.append("other", "x");
      return raw("/api/v1/auth/me/avatar", { method: "POST", headers: { authorization: `Bearer ${a.token}` }, body: form });
    };
    expect((await send(new File(["hello"], "a.txt", { type: "text/plain" }))).status).toBe(415);
    expect((await send(new File(["not a png"], "a.png", { type: "image/png" }))).status).toBe(415);
    expect((await send()).status).toBe(422);
    const other = await signup();
    const form = new FormData();
    form.append("file", new File([png], "me.png", { type: "image/png" }));
    const foreign = await raw(`/api/v1/auth/${other.userId}/avatar`, {
      method: "POST",
      headers: { authorization: `Bearer ${a.token}` },
      body: form,
    });
    expect(foreign.status).toBe(404);
  });
});

describeSecurity("authentication", [
  { method: "GET", path: "/api/v1/auth/me" },
  { method: "PUT", path: "/api/v1/auth/me", body: { full_name: "x" } },
  { method: "POST", path: "/api/v1/auth/logout", body: {} },
  { method: "GET", path: `/api/v1/auth/${crypto.randomUUID()}` },
  { method: "PUT", path: `/api/v1/auth/${crypto.randomUUID()}`, body: { full_name: "x" } },
  { method: "GET", path: "/api/v1/workspaces" },
  { method: "POST", path: "/api/v1/workspaces", body: { name: "x" } },
  { method: "GET", path: "/api/v1/workspaces/{ws}" },
  { method: "GET", path: "/api/v1/members/me", workspace: true },
]);
