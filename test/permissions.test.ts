import { describe, expect, it } from "vitest";
import { call, join, signup } from "./harness";
import { describeSecurity } from "./security";

describe("permissions", () => {
  it("lists the catalogue, filtered and grouped", async () => {
    const owner = await signup();
    const h = { token: owner.token, workspace: owner.workspaceId };
    const all = await call("GET", "/api/v1/permissions", h);
    expect(all.status).toBe(200);
    expect(all.body.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["can_view_goal", "can_create_team", "can_edit_own_goal"]),
    );
    const teams = await call("GET", "/api/v1/permissions?resource=team", h);
    expect(teams.body.every((p: { resource: string }) => p.resource === "team")).toBe(true);
    expect((await call("GET", "/api/v1/permissions?resource=nothing", h)).body).toEqual([]);
    const grouped = await call("GET", "/api/v1/permissions/grouped", h);
    expect(grouped.body.find((g: { resource: string }) => g.resource === "goal").permissions.length).toBeGreaterThan(3);
  });

  it("answers per role: defaults, checks and my permissions", async () => {
    const owner = await signup();
    const [member, viewer] = await Promise.all([join(owner, "member"), join(owner, "viewer")]);
    const ws = owner.workspaceId;
    const mine = await call("GET", "/api/v1/permissions/me", { token: viewer.token, workspace: ws });
    expect(mine.body.role).toBe("viewer");
    expect(mine.body.permissions).toMatchObject({ can_view_goal: true, can_create_goal: false });
    const check = await call("GET", "/api/v1/permissions/check/can_edit_own_goal", { token: member.token, workspace: ws });
    expect(check.body).toEqual({ permission: "can_edit_own_goal", allowed: true, role: "member" });
    expect((await call("GET", "/api/v1/permissions/check/can_fly", { token: member.token, workspace: ws })).status).toBe(404);
    const roles = await call("GET", "/api/v1/permissions/roles", { token: owner.token, workspace: ws });
    expect(Object.keys(roles.body).sort()).toEqual(["admin", "member", "owner", "viewer"]);
    expect(Object.values(roles.body.owner).every(Boolean)).toBe(true);
    expect((await call("GET", "/api/v1/permissions/roles", { token: member.token, workspace: ws })).status).toBe(403);
    const role = await call("GET", "/api/v1/permissions/roles/member", { token: member.token, workspace: ws });
    expect(role.body.permissions.can_create_team).toBe(false);
    expect((await call("GET", "/api/v1/permissions/roles/god", { token: owner.token, workspace: ws })).status).toBe(422);
  });

  it("overrides a role's permissions (one, many, reset), and the checker follows at once", async () => {
    const owner = await signup({ plan: "manager" });
    const [admin, member] = await Promise.all([join(owner, "admin"), join(owner, "member")]);
    const ws = owner.workspaceId;
    const createTeam = () =>
      call("POST", "/api/v1/teams", { token: member.token, workspace: ws, body: { name: `T ${crypto.randomUUID()}` } });
    expect((await createTeam()).status).toBe(403);

    const one = await call("PATCH", "/api/v1/permissions/roles/member", {
      token: admin.token,
      workspace: ws,
      body: { permission: "can_create_team", allowed: true },
    });
    expect(one.status).toBe(200);
    expect(one.body.permissions.can_create_team).toBe(true);
    expect((await createTeam()).status).toBe(201);

    const many = await call("PUT", "/api/v1/permissions/roles/member", {
      token: admin.token,
      workspace: ws,
      body: { permissions: { can_create_team: false, can_view_billing: true } },
    });
    expect(many.body.permissions).toMatchObject({ can_create_team: false, can_view_billing: true });
    expect((await createTeam()).status).toBe(403);

    const reset = await call("POST", "/api/v1/permissions/roles/member/reset", { token: admin.token, workspace: ws });
    expect(reset.body.permissions).toMatchObject({ can_create_team: false, can_view_billing: false });

    // Owners are fixed; admins cannot change admins; members cannot change anything; unknown names are 422.
    expect(
      (
        await call("PATCH", "/api/v1/permissions/roles/owner", {
          token: owner.token,
          workspace: ws,
          body: { permission: "can_view_goal", allowed: false },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call("PATCH", "/api/v1/permissions/roles/admin", {
          token: admin.token,
          workspace: ws,
          body: { permission: "can_view_goal", allowed: false },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call("PATCH", "/api/v1/permissions/roles/admin", {
          token: owner.token,
          workspace: ws,
          body: { permission: "can_manage_billing", allowed: true },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call("PATCH", "/api/v1/permissions/roles/viewer", {
          token: member.token,
          workspace: ws,
          body: { permission: "can_view_goal", allowed: false },
        })
      ).status,
    ).toBe(403);
    const unknown = await call("PUT", "/api/v1/permissions/roles/member", {
      token: owner.token,
      workspace: ws,
      body: { permissions: { can_fly: true } },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail[0].loc).toEqual(["body", "permissions", "can_fly"]);
    expect(
      (await call("GET", "/api/v1/permissions/roles/member", { token: owner.token, workspace: ws })).body.permissions.can_fly,
    ).toBeUndefined();
    expect(
      (await call("PUT", "/api/v1/permissions/roles/member", { token: owner.token, workspace: ws, body: { permissions: {} } })).status,
    ).toBe(422);
  });

  it("keeps overrides per workspace", async () => {
    const [a, b] = await Promise.all([signup({ plan: "manager" }), signup()]);
    await call("PATCH", "/api/v1/permissions/roles/viewer", {
      token: a.token,
      workspace: a.workspaceId,
      body: { permission: "can_create_goal", allowed: true },
    });
    const inB = await call("GET", "/api/v1/permissions/roles/viewer", { token: b.token, workspace: b.workspaceId });
    expect(inB.body.permissions.can_create_goal).toBe(false);
    const seed = await call("POST", "/api/v1/permissions/seed", { token: a.token, workspace: a.workspaceId });
    expect(seed.status).toBe(201);
    expect(seed.body.overrides).toBe(1);
  });
});

describeSecurity("permissions", [
  { method: "GET", path: "/api/v1/permissions", workspace: true },
  { method: "GET", path: "/api/v1/permissions/grouped", workspace: true },
  { method: "GET", path: "/api/v1/permissions/me", workspace: true },
  { method: "GET", path: "/api/v1/permissions/check/can_view_goal", workspace: true },
  { method: "GET", path: "/api/v1/permissions/roles", workspace: true },
  { method: "GET", path: "/api/v1/permissions/roles/member", workspace: true },
  { method: "PUT", path: "/api/v1/permissions/roles/member", workspace: true, body: { permissions: { can_view_goal: true } } },
  { method: "PATCH", path: "/api/v1/permissions/roles/member", workspace: true, body: { permission: "can_view_goal", allowed: true } },
  { method: "POST", path: "/api/v1/permissions/roles/member/reset", workspace: true },
  { method: "POST", path: "/api/v1/permissions/seed", workspace: true },
]);
