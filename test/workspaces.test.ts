import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { members } from "../src/modules/members/tables";
import { users, workspaceMembers } from "../src/platform/identity/tables";
import { call, databaseUrl, join, lastEmail, signup, uniqueEmail, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenantUrl = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);

describe("invitations", () => {
  it("invites by email; the invitee (new to Atrium) sets a password on accept and lands in the workspace", async () => {
    const owner = await signup();
    const email = uniqueEmail("invitee");
    const inv = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, {
      token: owner.token,
      body: { email, role: "member" },
    });
    expect(inv.status).toBe(201);
    expect(inv.body).toMatchObject({ email, role: "member", status: "invited" });
    expect(inv.body.token).toBeUndefined();

    const mail = await lastEmail(email, "invitation");
    const token = mail?.data.token as string;
    expect(mail?.textBody).toContain(token);

    const details = await call("GET", `/api/v1/workspaces/invitations/details?token=${token}`);
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({ workspace_id: owner.workspaceId, email, role: "member", requires_password: true });

    const listed = await call("GET", `/api/v1/workspaces/${owner.workspaceId}/members`, { token: owner.token });
    expect(listed.body.find((m: { email: string }) => m.email === email)).toMatchObject({ status: "pending", role: "member" });

    const noPassword = await call("POST", "/api/v1/workspaces/invitations/accept", { body: { token } });
    expect(noPassword.status).toBe(422);
    const ok = await call("POST", "/api/v1/workspaces/invitations/accept", { body: { token, password: "invitee password" } });
    expect(ok.status).toBe(200);
    expect(ok.body.workspace_id).toBe(owner.workspaceId);
    const again = await call("POST", "/api/v1/workspaces/invitations/accept", { body: { token, password: "invitee password" } });
    expect(again.status).toBe(401);

    const me = await call("GET", "/api/v1/members/me", { token: ok.body.access_token, workspace: owner.workspaceId });
    expect(me.body).toMatchObject({ email, role: "member" });
    expect((await call("POST", "/api/v1/auth/login", { body: { email, password: "invitee password" } })).status).toBe(200);
  });

  it("invites an existing user (no new password needed) and refuses to invite members twice", async () => {
    const [owner, other] = await Promise.all([signup(), signup()]);
    const link = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite-link`, {
      token: owner.token,
      body: { email: other.email, role: "viewer" },
    });
    expect(link.status).toBe(200);
    expect(link.body.invite_url).toContain(link.body.token);
    const details = await call("GET", `/api/v1/workspaces/invitations/details?token=${link.body.token}`);
    expect(details.body).toMatchObject({ requires_sign_in: true, requires_password: false, requires_email_verification: false });
    // A new link retires the old one.
    const link2 = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite-link`, {
      token: owner.token,
      body: { email: other.email, role: "viewer" },
    });
    expect((await call("GET", `/api/v1/workspaces/invitations/details?token=${link.body.token}`)).status).toBe(401);
    // The token alone does not act for the account: it signs in (or gives its own password).
    const anonymous = await call("POST", "/api/v1/workspaces/invitations/accept", { body: { token: link2.body.token } });
    expect(anonymous.status).toBe(401);
    const ok = await call("POST", "/api/v1/workspaces/invitations/accept", { token: other.token, body: { token: link2.body.token } });
    expect(ok.status).toBe(200);
    const list = await call("GET", "/api/v1/workspaces", { token: other.token });
    expect(list.body.map((w: { id: string }) => w.id).sort()).toEqual([owner.workspaceId, other.workspaceId].sort());
    const dup = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, { token: owner.token, body: { email: other.email } });
    expect(dup.status).toBe(409);
  });

  it("resends and cancels pending invitations; cancelling removes an account made only for it", async () => {
    const owner = await signup();
    const email = uniqueEmail("cancel");
    const inv = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, { token: owner.token, body: { email } });
    const first = (await lastEmail(email, "invitation"))?.data.token as string;
    const resent = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/resend-invitation`, {
      token: owner.token,
      body: { member_id: inv.body.member_id },
    });
    expect(resent.status).toBe(200);
    const second = (await lastEmail(email, "invitation"))?.data.token as string;
    expect(second).not.toBe(first);
    expect((await call("GET", `/api/v1/workspaces/invitations/details?token=${first}`)).status).toBe(401);

    const cancel = await call("POST", "/api/v1/workspaces/invitations/cancel", {
      token: owner.token,
      body: { workspace_id: owner.workspaceId, email },
    });
    expect(cancel.status).toBe(200);
    expect((await call("GET", `/api/v1/workspaces/invitations/details?token=${second}`)).status).toBe(401);
    const gone = await withControl((db) => db.select().from(users).where(eq(users.email, email)));
    expect(gone).toHaveLength(0);
    const bad = await call("POST", "/api/v1/workspaces/invitations/cancel", {
      token: owner.token,
      body: { workspace_id: owner.workspaceId },
    });
    expect(bad.status).toBe(422);
  });

  it("only admins and owners invite, never above their own role", async () => {
    const owner = await signup();
    const [admin, member] = await Promise.all([join(owner, "admin"), join(owner, "member")]);
    const byMember = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, {
      token: member.token,
      body: { email: uniqueEmail("x") },
    });
    expect(byMember.status).toBe(403);
    const ownerByAdmin = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, {
      token: admin.token,
      body: { email: uniqueEmail("x"), role: "owner" },
    });
    expect(ownerByAdmin.status).toBe(403);
    const outsider = await signup();
    const foreign = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, {
      token: outsider.token,
      body: { email: uniqueEmail("x") },
    });
    expect(foreign.status).toBe(404);
    const badRole = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, {
      token: owner.token,
      body: { email: uniqueEmail("x"), role: "god" },
    });
    expect(badRole.status).toBe(422);
  });
});

describe("workspace settings, switching, resets, provisioning", () => {
  it("updates the workspace (admins), merges settings, and switches the default workspace", async () => {
    const owner = await signup();
    const member = await join(owner, "member");
    const upd = await call("PUT", `/api/v1/workspaces/${owner.workspaceId}`, {
      token: owner.token,
      body: { name: "Renamed", settings: { a: 1 } },
    });
    expect(upd.status).toBe(200);
    expect(upd.body.name).toBe("Renamed");
    await call("PUT", `/api/v1/workspaces/${owner.workspaceId}`, { token: owner.token, body: { settings: { b: 2 } } });
    expect((await call("PUT", `/api/v1/workspaces/${owner.workspaceId}`, { token: member.token, body: { name: "Nope" } })).status).toBe(
      403,
    );
    expect((await call("PUT", `/api/v1/workspaces/${owner.workspaceId}`, { token: owner.token, body: { name: "" } })).status).toBe(422);

    const second = await call("POST", "/api/v1/workspaces", { token: owner.token, body: { name: "Second" } });
    const sw = await call("POST", "/api/v1/workspaces/switch", { token: owner.token, body: { workspace_id: second.body.id } });
    expect(sw.status).toBe(200);
    const login = await call("POST", "/api/v1/auth/login", { body: { email: owner.email, password: owner.password } });
    expect(login.body.workspace_id).toBe(second.body.id);
    expect((await call("POST", "/api/v1/workspaces/switch", { token: member.token, body: { workspace_id: second.body.id } })).status).toBe(
      404,
    );
  });

  it("admin-triggered password resets: email (1 h) and a 24 h link", async () => {
    const owner = await signup();
    const member = await join(owner, "member");
    const sent = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/users/${member.userId}/password-reset`, {
      token: owner.token,
    });
    expect(sent.status).toBe(200);
    expect((await lastEmail(member.email, "password_reset"))?.data.token).toBeTruthy();
    const link = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/users/${member.userId}/password-reset-link`, {
      token: owner.token,
    });
    expect(link.status).toBe(200);
    expect(new Date(link.body.expires_at).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    const token = new URL(link.body.reset_url).searchParams.get("token");
    expect((await call("POST", "/api/v1/auth/reset-password", { body: { token, new_password: "reset by admin" } })).status).toBe(200);
    // A member cannot reset the owner's password.
    expect(
      (await call("POST", `/api/v1/workspaces/${owner.workspaceId}/users/${owner.userId}/password-reset`, { token: member.token })).status,
    ).toBe(403);
  });

  it("provisioning is for staff only and creates owner, workspace and database", async () => {
    const staff = await signup();
    const denied = await call("POST", "/api/v1/workspaces/provision", {
      token: staff.token,
      body: { email: uniqueEmail("p"), workspace_name: "P" },
    });
    expect(denied.status).toBe(403);
    await withControl((db) => db.update(users).set({ isStaff: true }).where(eq(users.id, staff.userId)));
    const email = uniqueEmail("provisioned");
    const r = await call("POST", "/api/v1/workspaces/provision", {
      token: staff.token,
      body: { email, full_name: "New Owner", workspace_name: "Provisioned Co", plan: "agency" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user_created: true, workspace: { name: "Provisioned Co", plan: "agency", role: "owner" } });
    const rows = await withDb(tenantUrl(r.body.workspace.id), (db) => db.select().from(members));
    expect(rows).toMatchObject([{ email, role: "owner" }]);
    const activation = await lastEmail(email, "activation");
    expect(activation?.data.workspace_id).toBe(r.body.workspace.id);
    const act = await call("POST", "/api/v1/auth/activate", { body: { token: activation?.data.token, password: "owner password" } });
    expect(act.status).toBe(200);
    expect(act.body.workspace_id).toBe(r.body.workspace.id);
  });
});

describe("removing members: the seed's three scenarios", () => {
  it("pending invite, accepted member, and a user with no other workspace", async () => {
    const owner = await signup();
    const pending = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, {
      token: owner.token,
      body: { email: uniqueEmail("p") },
    });
    const r1 = await call("DELETE", `/api/v1/workspaces/${owner.workspaceId}/members/${pending.body.member_id}`, { token: owner.token });
    expect(r1.body).toMatchObject({ scenario: "invitation_removed" });

    const multi = await signup();
    const joinedMulti = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite-link`, {
      token: owner.token,
      body: { email: multi.email },
    });
    await call("POST", "/api/v1/workspaces/invitations/accept", { token: multi.token, body: { token: joinedMulti.body.token } });
    const r2 = await call("DELETE", `/api/v1/workspaces/${owner.workspaceId}/members/${joinedMulti.body.member_id}`, {
      token: owner.token,
    });
    expect(r2.body).toMatchObject({ scenario: "member_removed", user_deleted: false });
    const tenantRows = await withDb(tenantUrl(owner.workspaceId), (db) =>
      db.select().from(members).where(eq(members.userId, multi.userId)),
    );
    expect(tenantRows).toHaveLength(0);

    const only = await join(owner, "member");
    const r3 = await call("DELETE", `/api/v1/workspaces/${owner.workspaceId}/members/${only.membershipId}`, { token: owner.token });
    expect(r3.body).toMatchObject({ scenario: "user_deleted", user_deleted: true });
    expect(await withControl((db) => db.select().from(users).where(eq(users.id, only.userId)))).toHaveLength(0);
  });

  it("keeps the last owner, and lets admins remove only up to their rank", async () => {
    const owner = await signup();
    const admin = await join(owner, "admin");
    const ownerMembership = await withControl(
      async (db) => (await db.select().from(workspaceMembers).where(eq(workspaceMembers.userId, owner.userId)))[0],
    );
    const byAdmin = await call("DELETE", `/api/v1/workspaces/${owner.workspaceId}/members/${ownerMembership?.id}`, { token: admin.token });
    expect(byAdmin.status).toBe(403);
    const self = await call("DELETE", `/api/v1/workspaces/${owner.workspaceId}/members/${ownerMembership?.id}`, { token: owner.token });
    expect(self.status).toBe(409);
    expect(
      (await call("DELETE", `/api/v1/workspaces/${owner.workspaceId}/members/${crypto.randomUUID()}`, { token: owner.token })).status,
    ).toBe(404);
  });
});

describe("pending invitations give no power over an account", () => {
  it("an invitee who has not accepted cannot be reset, edited or deleted by the inviter", async () => {
    const [mallory, victim] = await Promise.all([signup(), signup()]);
    const link = await call("POST", `/api/v1/workspaces/${mallory.workspaceId}/invite-link`, {
      token: mallory.token,
      body: { email: victim.email, role: "member" },
    });
    expect(link.status).toBe(200);
    const ws = mallory.workspaceId;
    expect(
      (await call("POST", `/api/v1/workspaces/${ws}/users/${victim.userId}/password-reset-link`, { token: mallory.token })).status,
    ).toBe(404);
    expect((await call("POST", `/api/v1/workspaces/${ws}/users/${victim.userId}/password-reset`, { token: mallory.token })).status).toBe(
      404,
    );
    expect(
      (await call("PUT", `/api/v1/auth/${victim.userId}`, { token: mallory.token, body: { email: uniqueEmail("evil") } })).status,
    ).toBe(404);
    expect((await call("GET", `/api/v1/auth/${victim.userId}`, { token: mallory.token })).status).toBe(404);

    // Removing the pending invitation leaves the (password-holding) account alone.
    const removed = await call("DELETE", `/api/v1/workspaces/${ws}/members/${link.body.member_id}`, { token: mallory.token });
    expect(removed.body).toMatchObject({ scenario: "invitation_removed", user_deleted: false });
    expect((await call("POST", "/api/v1/auth/login", { body: { email: victim.email, password: victim.password } })).status).toBe(200);
  });

  it("admins cannot take a reset link for, or change the email of, someone with other workspaces", async () => {
    const [owner, other] = await Promise.all([signup(), signup()]);
    const link = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite-link`, {
      token: owner.token,
      body: { email: other.email },
    });
    await call("POST", "/api/v1/workspaces/invitations/accept", { body: { token: link.body.token, password: other.password } });
    const resetLink = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/users/${other.userId}/password-reset-link`, {
      token: owner.token,
    });
    expect(resetLink.status).toBe(403);
    const email = await call("PUT", `/api/v1/auth/${other.userId}`, { token: owner.token, body: { email: uniqueEmail("evil") } });
    expect(email.status).toBe(403);
    // The reset email (which only the account's owner reads) is still allowed.
    expect(
      (await call("POST", `/api/v1/workspaces/${owner.workspaceId}/users/${other.userId}/password-reset`, { token: owner.token })).status,
    ).toBe(200);
  });
});

describeSecurity("workspaces", [
  { method: "PUT", path: "/api/v1/workspaces/{ws}", body: { name: "x" } },
  { method: "GET", path: "/api/v1/workspaces/{ws}/members" },
  { method: "POST", path: "/api/v1/workspaces/{ws}/invite", body: { email: "a@b.co" } },
  { method: "POST", path: "/api/v1/workspaces/{ws}/invite-link", body: { email: "a@b.co" } },
  { method: "POST", path: "/api/v1/workspaces/{ws}/resend-invitation", body: { member_id: crypto.randomUUID() } },
  { method: "POST", path: `/api/v1/workspaces/{ws}/users/${crypto.randomUUID()}/password-reset` },
  { method: "POST", path: `/api/v1/workspaces/{ws}/users/${crypto.randomUUID()}/password-reset-link` },
  { method: "DELETE", path: `/api/v1/workspaces/{ws}/members/${crypto.randomUUID()}` },
  { method: "POST", path: "/api/v1/workspaces/invitations/cancel", body: { workspace_id: crypto.randomUUID(), email: "a@b.co" } },
  { method: "POST", path: "/api/v1/workspaces/switch", body: { workspace_id: crypto.randomUUID() } },
  { method: "POST", path: "/api/v1/workspaces/provision", body: { email: "a@b.co", workspace_name: "x" } },
]);
