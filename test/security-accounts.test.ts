// Attacks on accounts and shared settings, each through the real app (issue items 6 and 7).
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { recordsetViews } from "../src/modules/recordsets/tables";
import { users } from "../src/platform/identity/tables";
import { call, databaseUrl, env, join, lastEmail, signup, uniqueEmail, withControl, withDb } from "./harness";

const login = (email: string, password: string) => call("POST", "/api/v1/auth/login", { body: { email, password } });
const emailOf = async (userId: string) =>
  (await withControl((db) => db.select({ email: users.email }).from(users).where(eq(users.id, userId))))[0]?.email;
const tokenOf = (url: string) => new URL(url).searchParams.get("token") as string;

describe("recordset views: the default view is the recordset's admins' choice", () => {
  it("a viewer or plain member cannot make their view the default for everyone, on create or update", async () => {
    const owner = await signup();
    const [viewer, member] = await Promise.all([join(owner, "viewer"), join(owner, "member")]);
    const ws = owner.workspaceId;
    const as = (token: string) => (method: string, path: string, body?: unknown) => call(method, path, { token, workspace: ws, body });
    const asOwner = as(owner.token);
    const set = await asOwner("POST", "/api/v1/recordsets", {
      name: `Deals ${crypto.randomUUID().slice(0, 8)}`,
      fields: [{ key: "company", name: "Company", type: "text", is_primary: true }],
    });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    const views = `/api/v1/recordsets/${set.body.slug}/views`;
    for (const m of [viewer, member]) {
      expect((await asOwner("POST", `/api/v1/recordsets/${set.body.slug}/access`, { member_id: m.memberId })).status).toBeLessThan(300);
    }
    const chosen = await asOwner("POST", views, { name: "Pipeline", is_default: true });
    expect(chosen.status).toBe(201);
    const stored = () =>
      withDb(databaseUrl(`ws_${ws.replace(/-/g, "")}`), (db) =>
        db.select().from(recordsetViews).where(eq(recordsetViews.recordsetId, set.body.id)),
      );
    const before = await stored();

    for (const m of [viewer, member]) {
      const attack = await as(m.token)("POST", views, { name: "Mine for all", is_default: true });
      expect(attack.status, JSON.stringify(attack.body)).toBe(403);
    }
    expect(await stored()).toEqual(before);

    // Their own view is fine, but making it the default is not.
    const own = await as(viewer.token)("POST", views, { name: "Mine" });
    expect(own.status).toBe(201);
    const promote = await as(viewer.token)("PUT", `${views}/${own.body.id}`, { is_default: true, name: "Renamed" });
    expect(promote.status).toBe(403);
    const list = await as(viewer.token)("GET", views);
    expect(list.body.map((v: { name: string; is_default: boolean }) => [v.name, v.is_default])).toEqual([
      ["Pipeline", true],
      ["Mine", false],
    ]);

    // An is_admin grant on the recordset is the right to choose it.
    await asOwner("POST", `/api/v1/recordsets/${set.body.slug}/access`, { member_id: member.memberId, is_admin: true });
    expect((await as(member.token)("PUT", `${views}/${own.body.id}`, { is_default: true })).body.is_default).toBe(true);
  });
});

describe("changing someone else's email or password needs a strictly higher role", () => {
  it("an admin cannot take over another admin (email change, reset link, reset email); an owner can, and the old address is told", async () => {
    const owner = await signup();
    const [admin, victim, member] = await Promise.all([join(owner, "admin"), join(owner, "admin"), join(owner, "member")]);
    const ws = owner.workspaceId;
    const evil = uniqueEmail("evil");

    const email = await call("PUT", `/api/v1/auth/${victim.userId}`, { token: admin.token, workspace: ws, body: { email: evil } });
    expect(email.status, JSON.stringify(email.body)).toBe(403);
    expect(await emailOf(victim.userId)).toBe(victim.email);
    const link = await call("POST", `/api/v1/workspaces/${ws}/users/${victim.userId}/password-reset-link`, { token: admin.token });
    expect(link.status, JSON.stringify(link.body)).toBe(403);
    const sent = await call("POST", `/api/v1/workspaces/${ws}/users/${victim.userId}/password-reset`, { token: admin.token });
    expect(sent.status).toBe(403);
    expect(await lastEmail(victim.email, "password_reset")).toBeUndefined();
    expect((await login(victim.email, victim.password)).status).toBe(200);

    // Over a member the admin has the power; the old address hears of it.
    const newMember = uniqueEmail("moved");
    expect((await call("PUT", `/api/v1/auth/${member.userId}`, { token: admin.token, body: { email: newMember } })).status).toBe(200);
    const told = await lastEmail(member.email, "email_changed_by_admin");
    expect(told?.textBody).toContain(newMember);
    expect((await call("POST", `/api/v1/workspaces/${ws}/users/${member.userId}/password-reset-link`, { token: admin.token })).status).toBe(
      200,
    );

    // The owner outranks the admin.
    const moved = uniqueEmail("admin-moved");
    expect((await call("PUT", `/api/v1/auth/${victim.userId}`, { token: owner.token, body: { email: moved } })).status).toBe(200);
    expect((await lastEmail(victim.email, "email_changed_by_admin"))?.textBody).toContain(moved);
    expect((await call("POST", `/api/v1/workspaces/${ws}/users/${victim.userId}/password-reset-link`, { token: owner.token })).status).toBe(
      200,
    );
  });
});

describe("changing your own email", () => {
  it("a stolen session cannot change the email without the password; the old address can undo a change", async () => {
    const victim = await signup();
    const ws = victim.workspaceId;
    const attacker = uniqueEmail("attacker");

    // With only the access token, on either endpoint.
    const bare = await call("PUT", `/api/v1/auth/${victim.userId}`, { token: victim.token, body: { email: attacker } });
    expect(bare.status, JSON.stringify(bare.body)).toBe(422);
    expect(bare.body.detail[0].loc).toEqual(["body", "current_password"]);
    const viaMe = await call("PUT", "/api/v1/auth/me", { token: victim.token, body: { email: attacker, full_name: "Pwned" } });
    expect(viaMe.status).toBe(422);
    expect(viaMe.body.detail[0].loc).toEqual(["body", "current_password"]);
    const wrong = await call("PUT", "/api/v1/auth/me", {
      token: victim.token,
      body: { email: attacker, full_name: "Pwned", current_password: "a good guess" },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.detail[0]).toMatchObject({ loc: ["body", "current_password"], type: "invalid_password" });
    expect(await emailOf(victim.userId)).toBe(victim.email);
    expect((await call("GET", "/api/v1/auth/me", { token: victim.token })).body.full_name).not.toBe("Pwned");

    // Someone who knows the password changes it (in the workspace, so its member copy follows)…
    const changed = await call("PUT", "/api/v1/auth/me", {
      token: victim.token,
      workspace: ws,
      body: { email: attacker, current_password: victim.password },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.email).toBe(attacker);
    const mine = await call("GET", "/api/v1/members/me", { token: victim.token, workspace: ws });
    expect(mine.body.email).toBe(attacker);
    // …signs in elsewhere and asks for a reset link to the new address.
    const attackerSession = await login(attacker, victim.password);
    expect(attackerSession.status).toBe(200);
    expect((await call("POST", "/api/v1/auth/request-password-reset", { body: { email: attacker } })).status).toBe(200);
    // Sent after the response.
    const resetMail = await vi.waitFor(
      async () => {
        const m = await lastEmail(attacker, "password_reset");
        if (!m) throw new Error("no reset email yet");
        return m;
      },
      { timeout: 5000, interval: 100 },
    );
    const attackerReset = resetMail.data.token as string;

    // The old address was told, with an undo link on the app.
    const notice = await lastEmail(victim.email, "email_changed");
    expect(notice?.textBody).toContain(attacker);
    const undo = notice?.data.link as string;
    expect(undo.startsWith(new URL("/revert-email-change", env.APP_URL).toString())).toBe(true);
    expect(notice?.textBody).toContain(undo);

    const reverted = await call("POST", "/api/v1/auth/email-change/revert", { body: { token: tokenOf(undo) } });
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(200);
    expect(reverted.body).toMatchObject({ email: victim.email });
    expect(await emailOf(victim.userId)).toBe(victim.email);
    // Signed out everywhere; the attacker's reset link is void; the link works once.
    for (const refresh of [victim.refreshToken, attackerSession.body.refresh_token]) {
      expect((await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: refresh } })).status).toBe(401);
    }
    expect(
      (await call("POST", "/api/v1/auth/reset-password", { body: { token: attackerReset, new_password: "attacker wins" } })).status,
    ).toBe(401);
    expect((await call("POST", "/api/v1/auth/email-change/revert", { body: { token: tokenOf(undo) } })).status).toBe(401);
    expect((await login(attacker, victim.password)).status).toBe(401);

    // The owner sets a new password with the returned link and is back in, member copy included.
    const reset = await call("POST", "/api/v1/auth/reset-password", {
      body: { token: tokenOf(reverted.body.reset_url), new_password: "mine again 123" },
    });
    expect(reset.status).toBe(200);
    const back = await login(victim.email, "mine again 123");
    expect(back.status).toBe(200);
    expect((await call("GET", "/api/v1/members/me", { token: back.body.access_token, workspace: ws })).body.email).toBe(victim.email);
  });

  it("undoing the first of two changes voids the second one's undo link (sent to the attacker's address)", async () => {
    const victim = await signup();
    const [b, c] = [uniqueEmail("b"), uniqueEmail("c")];
    for (const email of [b, c]) {
      const r = await call("PUT", "/api/v1/auth/me", { token: victim.token, body: { email, current_password: victim.password } });
      expect(r.status).toBe(200);
    }
    const first = tokenOf((await lastEmail(victim.email, "email_changed"))?.data.link as string);
    const second = tokenOf((await lastEmail(b, "email_changed"))?.data.link as string);
    expect((await call("POST", "/api/v1/auth/email-change/revert", { body: { token: first } })).status).toBe(200);
    expect((await call("POST", "/api/v1/auth/email-change/revert", { body: { token: second } })).status).toBe(401);
    expect(await emailOf(victim.userId)).toBe(victim.email);
    // A tampered token (the address rides in it) is unknown.
    const forged = `${first.split(".")[0]}.v1.AAAAAAAAAAAAAAAA.AAAA`;
    expect((await call("POST", "/api/v1/auth/email-change/revert", { body: { token: forged } })).status).toBe(401);
  });

  it("keeps working without current_password when the email is not actually changed", async () => {
    const a = await signup();
    const r = await call("PUT", "/api/v1/auth/me", { token: a.token, body: { email: a.email.toUpperCase(), title: "Engineer" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ email: a.email, title: "Engineer" });
  });
});

describe("request logs", () => {
  afterEach(() => vi.restoreAllMocks());

  it("do not show the signup job id (nor a payment invite code) from the path", async () => {
    const log = vi.spyOn(console, "log");
    const jobId = crypto.randomUUID();
    const code = `inv_${crypto.randomUUID()}`;
    await call("GET", `/api/v1/auth/signup/jobs/${jobId}/stream`);
    await call("GET", `/api/v1/auth/stripe-invite/${code}`);
    const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('"msg":"request"'));
    expect(lines.some((l) => l.includes('"path":"/api/v1/auth/signup/jobs/[redacted]/stream"'))).toBe(true);
    expect(lines.some((l) => l.includes('"path":"/api/v1/auth/stripe-invite/[redacted]"'))).toBe(true);
    expect(lines.join("\n")).not.toContain(jobId);
    expect(lines.join("\n")).not.toContain(code);
  });
});
