import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { upsertMember } from "../src/modules/members/service";
import { MODULE_KEYS } from "../src/modules/module-settings/catalogue";
import { moduleSettings } from "../src/modules/module-settings/tables";
import { rolePermissions } from "../src/modules/permissions/tables";
import { type Role, workspaceMembers } from "../src/platform/identity/tables";
import { call, databaseUrl, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenantUrl = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);
const rows = (workspaceId: string) => withDb(tenantUrl(workspaceId), (db) => db.select().from(moduleSettings));

/** Signs up someone else and makes them a `role` of `ws` (control membership + tenant member). */
async function addPerson(ws: SignedUp, role: Role): Promise<SignedUp> {
  const p = await signup();
  await withControl((db) => db.insert(workspaceMembers).values({ workspaceId: ws.workspaceId, userId: p.userId, role }));
  await withDb(tenantUrl(ws.workspaceId), (db) => upsertMember(db, { userId: p.userId, email: p.email, fullName: "Other", role }));
  return p;
}

describe("module settings", () => {
  let owner: SignedUp;
  const as = (who: SignedUp) => ({ token: who.token, workspace: owner.workspaceId });
  beforeAll(async () => {
    owner = await signup();
  });

  it("lists every module on its defaults in a fresh workspace", async () => {
    const r = await call("GET", "/api/v1/modules", as(owner));
    expect(r.status).toBe(200);
    expect(r.body.map((m: { module: string }) => m.module)).toEqual(MODULE_KEYS);
    for (const m of r.body) {
      expect(m).toMatchObject({ id: null, is_enabled: true, settings: {}, is_customized: false, updated_by: null, created_at: null });
      expect(typeof m.name).toBe("string");
    }
    const one = await call("GET", "/api/v1/modules/maps", as(owner));
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ module: "maps", name: "Maps", is_enabled: true, is_customized: false });
  });

  it("creates settings once (201, then 409) and reads them back", async () => {
    const r = await call("POST", "/api/v1/modules", {
      ...as(owner),
      body: { module: "crm", settings: { pipeline: "sales", stages: [1, 2] } },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      module: "crm",
      is_enabled: true,
      settings: { pipeline: "sales", stages: [1, 2] },
      is_customized: true,
      updated_by: owner.userId,
    });
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.body.created_at).toMatch(/Z$/);

    const again = await call("POST", "/api/v1/modules", { ...as(owner), body: { module: "crm", is_enabled: false } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("conflict");

    const got = await call("GET", "/api/v1/modules/crm", as(owner));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);
    const list = await call("GET", "/api/v1/modules", as(owner));
    expect(list.body.find((m: { module: string }) => m.module === "crm")).toEqual(r.body);

    const minimal = await call("POST", "/api/v1/modules", { ...as(owner), body: { module: "learning", is_enabled: false } });
    expect(minimal.status).toBe(201);
    expect(minimal.body).toMatchObject({ module: "learning", is_enabled: false, settings: {} });
  });

  it("toggles: flips without a body, sets with is_enabled", async () => {
    const path = "/api/v1/modules/channels/toggle";
    const off = await call("POST", path, as(owner));
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ module: "channels", is_enabled: false, is_customized: true, settings: {} });
    const on = await call("POST", path, as(owner));
    expect(on.body.is_enabled).toBe(true);
    expect(on.body.id).toBe(off.body.id);
    const set1 = await call("POST", path, { ...as(owner), body: { is_enabled: false } });
    const set2 = await call("POST", path, { ...as(owner), body: { is_enabled: false } });
    expect([set1.status, set2.status]).toEqual([200, 200]);
    expect([set1.body.is_enabled, set2.body.is_enabled]).toEqual([false, false]);
    const bad = await call("POST", path, { ...as(owner), body: { is_enabled: "yes" } });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "is_enabled"]);
  });

  it("updates settings and state with PUT, creating the row for a module on its defaults", async () => {
    const put = await call("PUT", "/api/v1/modules/tasks", { ...as(owner), body: { settings: { default_view: "board" } } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ module: "tasks", is_enabled: true, settings: { default_view: "board" }, is_customized: true });
    const disable = await call("PUT", "/api/v1/modules/tasks", { ...as(owner), body: { is_enabled: false } });
    expect(disable.body).toMatchObject({ is_enabled: false, settings: { default_view: "board" } });
    // settings replaces the whole object.
    const replace = await call("PUT", "/api/v1/modules/tasks", { ...as(owner), body: { settings: { wip_limit: 3 } } });
    expect(replace.body).toMatchObject({ is_enabled: false, settings: { wip_limit: 3 } });
    expect(replace.body.settings).not.toHaveProperty("default_view");
    const empty = await call("PUT", "/api/v1/modules/tasks", { ...as(owner), body: {} });
    expect(empty.status).toBe(422);
  });

  it("rejects unknown modules and non-object or oversized settings, writing nothing", async () => {
    const ws = await signup();
    const me = { token: ws.token, workspace: ws.workspaceId };
    const unknown = await call("POST", "/api/v1/modules", { ...me, body: { module: "nope" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: "validation_error", detail: [{ loc: ["body", "module"] }] });
    expect(typeof unknown.body.request_id).toBe("string");
    const missing = await call("POST", "/api/v1/modules", { ...me, body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(["body", "module"]);
    for (const settings of [[1, 2], "x", null, 5, true]) {
      const r = await call("POST", "/api/v1/modules", { ...me, body: { module: "crm", settings } });
      expect(r.status, JSON.stringify(settings)).toBe(422);
      expect(r.body.detail[0].loc).toEqual(["body", "settings"]);
      const u = await call("PUT", "/api/v1/modules/crm", { ...me, body: { settings } });
      expect(u.status, JSON.stringify(settings)).toBe(422);
    }
    const big = { blob: "x".repeat(33 * 1024) };
    const tooBig = await call("POST", "/api/v1/modules", { ...me, body: { module: "crm", settings: big } });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.detail[0].msg).toMatch(/at most/);
    expect((await call("PUT", "/api/v1/modules/crm", { ...me, body: { settings: big } })).status).toBe(422);

    for (const [method, path, body] of [
      ["GET", "/api/v1/modules/nope", undefined],
      ["PUT", "/api/v1/modules/nope", { is_enabled: false }],
      ["POST", "/api/v1/modules/nope/toggle", undefined],
      ["GET", "/api/v1/modules/__proto__", undefined],
    ] as const) {
      const r = await call(method, path, { ...me, body });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.code).toBe("not_found");
    }
    expect(await rows(ws.workspaceId)).toEqual([]);
  });

  it("lets admins change modules; members and viewers only read (403, nothing written)", async () => {
    const ws = await signup();
    const [admin, member, viewer] = await Promise.all([addPerson(ws, "admin"), addPerson(ws, "member"), addPerson(ws, "viewer")]);
    const opts = (p: SignedUp) => ({ token: p.token, workspace: ws.workspaceId });

    const created = await call("POST", "/api/v1/modules", { ...opts(admin), body: { module: "analytics", settings: { x: 1 } } });
    expect(created.status).toBe(201);
    expect(created.body.updated_by).toBe(admin.userId);

    for (const p of [member, viewer]) {
      expect((await call("GET", "/api/v1/modules", opts(p))).status).toBe(200);
      expect((await call("GET", "/api/v1/modules/analytics", opts(p))).body.settings).toEqual({ x: 1 });
      const attempts = [
        await call("POST", "/api/v1/modules", { ...opts(p), body: { module: "maps" } }),
        await call("PUT", "/api/v1/modules/analytics", { ...opts(p), body: { settings: { x: 2 } } }),
        await call("POST", "/api/v1/modules/analytics/toggle", opts(p)),
      ];
      for (const r of attempts) {
        expect(r.status).toBe(403);
        expect(r.body.code).toBe("forbidden");
      }
    }
    const after = await rows(ws.workspaceId);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ module: "analytics", isEnabled: true, settings: { x: 1 } });

    // The permission, not the role name, decides: granting can_manage_modules to members works.
    await withDb(tenantUrl(ws.workspaceId), (db) =>
      db.insert(rolePermissions).values({ role: "member", permission: "can_manage_modules", allowed: true }),
    );
    const granted = await call("POST", "/api/v1/modules/analytics/toggle", opts(member));
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ is_enabled: false, updated_by: member.userId });
    expect((await call("POST", "/api/v1/modules/analytics/toggle", opts(viewer))).status).toBe(403);
  });

  it("keeps workspaces apart: another workspace's member gets 404, and settings are per workspace", async () => {
    const [a, b] = await Promise.all([signup(), signup()]);
    await call("PUT", "/api/v1/modules/documents", { token: a.token, workspace: a.workspaceId, body: { settings: { secret: "a" } } });
    for (const [method, path, body] of [
      ["GET", "/api/v1/modules", undefined],
      ["GET", "/api/v1/modules/documents", undefined],
      ["POST", "/api/v1/modules", { module: "maps" }],
      ["PUT", "/api/v1/modules/documents", { settings: {} }],
      ["POST", "/api/v1/modules/documents/toggle", undefined],
    ] as const) {
      const r = await call(method, path, { token: b.token, workspace: a.workspaceId, body });
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    const mine = await call("GET", "/api/v1/modules/documents", { token: b.token, workspace: b.workspaceId });
    expect(mine.body).toMatchObject({ is_customized: false, settings: {} });
    const aRows = await withDb(tenantUrl(a.workspaceId), (db) =>
      db.select().from(moduleSettings).where(eq(moduleSettings.module, "documents")),
    );
    expect(aRows[0]?.settings).toEqual({ secret: "a" });
  });
});

describeSecurity("module settings", [
  { method: "GET", path: "/api/v1/modules", workspace: true },
  { method: "GET", path: "/api/v1/modules/crm", workspace: true },
  { method: "POST", path: "/api/v1/modules", body: { module: "crm" }, workspace: true },
  { method: "POST", path: "/api/v1/modules/crm/toggle", workspace: true },
  { method: "PUT", path: "/api/v1/modules/crm", body: { is_enabled: false }, workspace: true },
]);
