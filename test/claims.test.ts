// Workspace memberships carried in access tokens (src/platform/tenancy/claims.ts): they spare
// the control round trip, and any membership change makes the old claims count for nothing at once.
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { call, join, signup } from "./harness";

const claimsOf = (token: string) => decodeJwt(token) as { ws?: Record<string, [string, string]>; ep?: number };

describe("membership claims in access tokens", () => {
  it("a token carries the active memberships with role and membership id, and a later join still resolves", async () => {
    const owner = await signup();
    const c = claimsOf(owner.token);
    expect(c.ws?.[owner.workspaceId]?.[0]).toBe("owner");
    expect(typeof c.ep).toBe("number");

    // Joined after the token was issued: not in its claims, resolved from the database.
    const other = await signup();
    const link = await call("POST", `/api/v1/workspaces/${other.workspaceId}/invite-link`, {
      token: other.token,
      body: { email: owner.email, role: "viewer" },
    });
    expect(
      (await call("POST", "/api/v1/workspaces/invitations/accept", { token: owner.token, body: { token: link.body.token } })).status,
    ).toBe(200);
    expect(claimsOf(owner.token).ws?.[other.workspaceId]).toBeUndefined();
    const me = await call("GET", "/api/v1/members/me", { token: owner.token, workspace: other.workspaceId });
    expect(me.status).toBe(200);
    expect(me.body.role).toBe("viewer");
  });

  it("a removed member's unexpired token stops working in that workspace at once", async () => {
    const owner = await signup();
    const m = await join(owner, "admin");
    expect(claimsOf(m.token).ws?.[owner.workspaceId]?.[0]).toBe("admin");
    expect((await call("GET", "/api/v1/members/me", { token: m.token, workspace: owner.workspaceId })).status).toBe(200);
    const removed = await call("DELETE", `/api/v1/workspaces/${owner.workspaceId}/members/${m.membershipId}`, { token: owner.token });
    expect(removed.status).toBe(200);
    // The token still claims the membership; the epoch says the claim is stale.
    expect(claimsOf(m.token).ws?.[owner.workspaceId]).toBeDefined();
    const after = await call("GET", "/api/v1/members/me", { token: m.token, workspace: owner.workspaceId });
    expect(after.status).toBe(404);
  });

  it("a demoted admin's unexpired token acts with the new role at once; a refreshed token carries it", async () => {
    const owner = await signup();
    const admin = await join(owner, "admin");
    const ws = owner.workspaceId;
    expect((await call("GET", "/api/v1/api-keys", { token: admin.token, workspace: ws })).status).toBe(200);
    const demoted = await call("PUT", `/api/v1/members/${admin.memberId}`, { token: owner.token, workspace: ws, body: { role: "viewer" } });
    expect(demoted.status).toBe(200);
    expect(claimsOf(admin.token).ws?.[ws]?.[0]).toBe("admin");
    expect((await call("GET", "/api/v1/api-keys", { token: admin.token, workspace: ws })).status).toBe(403);
    expect((await call("GET", "/api/v1/members/me", { token: admin.token, workspace: ws })).body.role).toBe("viewer");

    const login = await call("POST", "/api/v1/auth/login", { body: { email: admin.email, password: admin.password } });
    expect(claimsOf(login.body.access_token).ws?.[ws]?.[0]).toBe("viewer");
    const refreshed = await call("POST", "/api/v1/auth/refresh", { body: { refresh_token: login.body.refresh_token } });
    expect(claimsOf(refreshed.body.access_token).ws?.[ws]?.[0]).toBe("viewer");
  });

  it("claims never open another workspace: an id the token does not name is checked in the database", async () => {
    const [a, b] = await Promise.all([signup(), signup()]);
    const r = await call("GET", "/api/v1/members/me", { token: a.token, workspace: b.workspaceId });
    expect(r.status).toBe(404);
  });
});
