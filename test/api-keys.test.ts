import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { RateLimitConfig } from "../durable-objects/rate-limiter";
import { apiKeys } from "../src/modules/api-keys/tables";
import { upsertMember } from "../src/modules/members/service";
import { sha256Hex } from "../src/platform/crypto";
import { type Role, workspaceMembers, workspaces } from "../src/platform/identity/tables";
import { call, databaseUrl, env, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const tenantUrl = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);

/** Adds `person` to `owner`'s workspace with `role` (control membership + tenant member record). */
async function join(owner: SignedUp, person: SignedUp, role: Role) {
  await withControl((db) =>
    db.insert(workspaceMembers).values({ workspaceId: owner.workspaceId, userId: person.userId, role, joinedAt: new Date() }),
  );
  await withDb(tenantUrl(owner.workspaceId), (db) =>
    upsertMember(db, { userId: person.userId, email: person.email, fullName: role, role }),
  );
}

const setPlan = (workspaceId: string, plan: string) =>
  withControl((db) => db.update(workspaces).set({ plan }).where(eq(workspaces.id, workspaceId)));

let owner: SignedUp;
let admin: SignedUp;
let member: SignedUp;
let viewer: SignedUp;
let outsider: SignedUp;

beforeAll(async () => {
  [owner, admin, member, viewer, outsider] = await Promise.all([signup(), signup(), signup(), signup(), signup()]);
  await Promise.all([join(owner, admin, "admin"), join(owner, member, "member"), join(owner, viewer, "viewer")]);
});

const KEY_RE = /^atr_(live|test)_[0-9A-Za-z]{40}$/;

/** The owner (or `who`) manages keys with a JWT in the owner's workspace. */
const manage = (method: string, path: string, body?: unknown, who: SignedUp = owner) =>
  call(method, `/api/v1/api-keys${path}`, { token: who.token, workspace: owner.workspaceId, body });

async function createKey(body: Record<string, unknown> = {}, who: SignedUp = owner): Promise<{ id: string; key: string; body: any }> {
  const r = await manage("POST", "", { name: "Integration", ...body }, who);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.id, key: r.body.key, body: r.body };
}

/** A request authenticated by an API key, as a bearer (default) or in X-API-Key. */
const withKey = (key: string, method: string, path: string, o: { header?: boolean; workspace?: string; body?: unknown } = {}) =>
  call(method, path, {
    ...(o.header ? { headers: { "x-api-key": key } } : { token: key }),
    workspace: o.workspace,
    body: o.body,
  });

describe("API key management", () => {
  it("shows the full key once on create; afterwards only the prefix; stores only the hash", async () => {
    const before = (await manage("GET", "/count")).body.count;
    const created = await createKey({ name: "CI", description: "deploys", scopes: ["read"] });
    expect(created.key).toMatch(KEY_RE);
    expect(created.body).toMatchObject({
      name: "CI",
      description: "deploys",
      scopes: ["read"],
      mode: "live",
      is_active: true,
      is_revoked: false,
      is_expired: false,
      prefix: created.key.slice(0, 17),
      created_by_user_id: owner.userId,
      rotated_from_id: null,
      last_used_at: null,
    });
    expect(created.body.prefix).toMatch(/^atr_live_[0-9A-Za-z]{8}$/);

    const list = await manage("GET", "");
    expect(list.status).toBe(200);
    const listed = list.body.find((k: any) => k.id === created.id);
    expect(listed.prefix).toBe(created.body.prefix);
    expect(listed).not.toHaveProperty("key");
    expect(listed).not.toHaveProperty("key_hash");
    expect(JSON.stringify(list.body)).not.toContain(created.key);

    const got = await manage("GET", `/${created.id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty("key");
    expect(JSON.stringify(got.body)).not.toContain(created.key);
    expect((await manage("GET", "/count")).body.count).toBe(before + 1);

    const [row] = await withControl((db) => db.select().from(apiKeys).where(eq(apiKeys.id, created.id)));
    expect(row?.keyHash).toBe(await sha256Hex(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
  });

  it("creates test-mode keys and paginates and filters the list", async () => {
    const { owner: o } = { owner: await signup() };
    const mk = async (name: string, body: Record<string, unknown> = {}) => {
      const r = await call("POST", "/api/v1/api-keys", { token: o.token, workspace: o.workspaceId, body: { name, ...body } });
      expect(r.status).toBe(201);
      return r.body;
    };
    const a = await mk("a", { mode: "test" });
    expect(a.key).toMatch(/^atr_test_/);
    expect(a.mode).toBe("test");
    expect(a.scopes).toEqual(["read", "write"]);
    const b = await mk("b");
    const c = await mk("c");
    const get = (q: string) => call("GET", `/api/v1/api-keys${q}`, { token: o.token, workspace: o.workspaceId });
    await call("POST", `/api/v1/api-keys/${b.id}/revoke`, { token: o.token, workspace: o.workspaceId });
    await call("POST", `/api/v1/api-keys/${c.id}/toggle`, { token: o.token, workspace: o.workspaceId });

    expect((await get("")).body.map((k: any) => k.name)).toEqual(["c", "b", "a"]);
    expect((await get("?skip=1&limit=1")).body.map((k: any) => k.name)).toEqual(["b"]);
    expect((await get("?is_revoked=true")).body.map((k: any) => k.name)).toEqual(["b"]);
    expect((await get("?is_revoked=false")).body.map((k: any) => k.name)).toEqual(["c", "a"]);
    expect((await get("?is_active=true")).body.map((k: any) => k.name)).toEqual(["a"]);
    expect((await get("/count?is_active=false")).body).toEqual({ count: 2 });
    expect((await get("/count?is_revoked=false&is_active=false")).body).toEqual({ count: 1 });
    expect((await get("?limit=500")).status).toBe(422);
    expect((await get("?is_active=maybe")).status).toBe(422);
  });

  it("rejects bad input with 422 and writes nothing", async () => {
    const before = (await manage("GET", "/count")).body.count;
    const cases: [unknown, string][] = [
      [{}, "name"],
      [{ name: "" }, "name"],
      [{ name: "x", scopes: ["root"] }, "scopes"],
      [{ name: "x", scopes: [] }, "scopes"],
      [{ name: "x", scopes: ["read", "read"] }, "scopes"],
      [{ name: "x", mode: "prod" }, "mode"],
      [{ name: "x", expires_at: "tomorrow" }, "expires_at"],
      [{ name: "x", expires_at: new Date(Date.now() - 60_000).toISOString() }, "expires_at"],
      [{ name: "x", rate_limit_per_minute: 0 }, "rate_limit_per_minute"],
    ];
    for (const [body, field] of cases) {
      const r = await manage("POST", "", body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.code).toBe("validation_error");
      expect(typeof r.body.request_id).toBe("string");
      expect(r.body.detail[0].loc.slice(0, 2)).toEqual(["body", field]);
    }
    const { id } = await createKey();
    const bad = await manage("PUT", `/${id}`, { scopes: ["nope"] });
    expect(bad.status).toBe(422);
    expect((await manage("GET", `/${id}`)).body.scopes).toEqual(["read", "write"]);
    expect((await manage("GET", "/count")).body.count).toBe(before + 1);
  });

  it("updates, toggles and revokes; a revoked key stays revoked", async () => {
    const { id } = await createKey({ name: "old name" });
    const upd = await manage("PUT", `/${id}`, { name: "new name", description: "d", scopes: ["read", "admin"], rate_limit_per_minute: 30 });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ name: "new name", description: "d", scopes: ["read", "admin"], rate_limit_per_minute: 30 });
    expect(upd.body).not.toHaveProperty("key");

    const off = await manage("POST", `/${id}/toggle`);
    expect(off.body.is_active).toBe(false);
    expect((await manage("POST", `/${id}/toggle`)).body.is_active).toBe(true);
    expect((await manage("PUT", `/${id}`, { is_active: false })).body.is_active).toBe(false);

    const revoked = await manage("POST", `/${id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ is_revoked: true, is_active: false, revoked_by_user_id: owner.userId });
    const again = await manage("POST", `/${id}/revoke`);
    expect(again.status).toBe(200);
    expect(again.body.revoked_at).toBe(revoked.body.revoked_at);
    expect((await manage("POST", `/${id}/toggle`)).status).toBe(409);
    expect((await manage("PUT", `/${id}`, { is_active: true })).status).toBe(409);
    expect((await manage("POST", `/${id}/rotate`)).status).toBe(409);
    expect((await manage("PUT", `/${id}`, { name: "audit" })).body).toMatchObject({ name: "audit", is_revoked: true });
  });

  it("deletes (204) and then it is gone", async () => {
    const { id } = await createKey();
    const del = await manage("DELETE", `/${id}`);
    expect(del.status).toBe(204);
    expect((await manage("GET", `/${id}`)).status).toBe(404);
    expect((await manage("DELETE", `/${id}`)).status).toBe(404);
    expect((await manage("GET", "/not-a-uuid")).status).toBe(404);
  });

  it("rotates: a new key with the same settings, shown once; the old one is revoked", async () => {
    const old = await createKey({ name: "rotating", description: "r", scopes: ["read"], mode: "test", rate_limit_per_minute: 20 });
    expect((await withKey(old.key, "GET", "/api/v1/members/me")).status).toBe(200);
    const rot = await manage("POST", `/${old.id}/rotate`);
    expect(rot.status).toBe(200);
    expect(rot.body.key).toMatch(/^atr_test_/);
    expect(rot.body.key).not.toBe(old.key);
    expect(rot.body).toMatchObject({
      name: "rotating",
      description: "r",
      scopes: ["read"],
      mode: "test",
      rate_limit_per_minute: 20,
      rotated_from_id: old.id,
      is_revoked: false,
      created_by_user_id: owner.userId,
    });
    expect(rot.body.id).not.toBe(old.id);
    const oldNow = await manage("GET", `/${old.id}`);
    expect(oldNow.body.is_revoked).toBe(true);
    expect(oldNow.body).not.toHaveProperty("key");

    const r = await withKey(old.key, "GET", "/api/v1/members/me");
    expect(r.status).toBe(401);
    expect(r.body.detail).toMatch(/revoked/);
    expect((await withKey(rot.body.key, "GET", "/api/v1/members/me")).status).toBe(200);
  });
});

describe("who may manage keys", () => {
  it("admins and owners may; members and viewers get 403; another workspace gets 404", async () => {
    const byAdmin = await createKey({ name: "admin's" }, admin);
    expect(byAdmin.body.created_by_user_id).toBe(admin.userId);
    for (const who of [member, viewer]) {
      for (const [method, path, body] of [
        ["GET", "", undefined],
        ["GET", "/count", undefined],
        ["POST", "", { name: "x" }],
        ["GET", `/${byAdmin.id}`, undefined],
        ["PUT", `/${byAdmin.id}`, { name: "x" }],
        ["POST", `/${byAdmin.id}/revoke`, undefined],
        ["POST", `/${byAdmin.id}/rotate`, undefined],
        ["POST", `/${byAdmin.id}/toggle`, undefined],
        ["DELETE", `/${byAdmin.id}`, undefined],
      ] as const) {
        const r = await manage(method, path, body, who);
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.body.code).toBe("forbidden");
      }
    }
    // The outsider manages keys in their own workspace, where this key does not exist.
    for (const [method, path] of [
      ["GET", `/${byAdmin.id}`],
      ["POST", `/${byAdmin.id}/revoke`],
      ["DELETE", `/${byAdmin.id}`],
    ] as const) {
      const r = await call(method, `/api/v1/api-keys${path}`, { token: outsider.token, workspace: outsider.workspaceId });
      expect(r.status).toBe(404);
    }
    expect((await manage("GET", `/${byAdmin.id}`)).body.is_revoked).toBe(false);
  });
});

describe("authenticating with an API key", () => {
  it("works as a bearer or in X-API-Key, bound to its workspace (X-Workspace-Id optional)", async () => {
    const { key } = await createKey({ scopes: ["read"] });
    const bearer = await withKey(key, "GET", "/api/v1/members/me");
    expect(bearer.status, JSON.stringify(bearer.body)).toBe(200);
    expect(bearer.body.user_id).toBe(owner.userId);
    const header = await withKey(key, "GET", "/api/v1/members/me", { header: true });
    expect(header.status).toBe(200);
    expect(header.body.user_id).toBe(owner.userId);
    expect((await withKey(key, "GET", "/api/v1/members/me", { workspace: owner.workspaceId })).status).toBe(200);

    const other = await withKey(key, "GET", "/api/v1/members/me", { workspace: outsider.workspaceId });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe("not_found");
    expect((await withKey(key, "GET", "/api/v1/members/me", { workspace: "not-a-uuid" })).status).toBe(404);

    // Account endpoints need a person.
    for (const [method, path] of [
      ["GET", "/api/v1/auth/me"],
      ["PUT", "/api/v1/auth/me"],
      ["GET", `/api/v1/auth/${owner.userId}`],
      ["GET", "/api/v1/workspaces"],
    ] as const) {
      const r = await withKey(key, method, path, { body: method === "PUT" ? { title: "x" } : undefined });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.detail).toMatch(/signed-in user/);
    }
  });

  it("unknown or malformed keys are 401", async () => {
    const { key } = await createKey();
    const tampered = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
    for (const bad of [tampered, "atr_live_short", "atr_nope"]) {
      const r = await withKey(bad, "GET", "/api/v1/members/me");
      expect(r.status, bad).toBe(401);
      expect(r.body.code).toBe("invalid_token");
    }
    const r = await withKey("not-a-key", "GET", "/api/v1/members/me", { header: true });
    expect(r.status).toBe(401);
  });

  it("scopes: read keys cannot write, write keys cannot read, key management needs admin", async () => {
    const read = await createKey({ scopes: ["read"] });
    const write = await createKey({ scopes: ["write"] });
    const adm = await createKey({ scopes: ["admin"] });
    const rw = await createKey({ scopes: ["read", "write"] });

    const post = await withKey(read.key, "POST", "/api/v1/api-keys", { body: { name: "from a read key" } });
    expect(post.status).toBe(403);
    expect(post.body.code).toBe("forbidden");
    expect(post.body.detail).toMatch(/insufficient_scope.*write/);

    const get = await withKey(write.key, "GET", "/api/v1/members/me");
    expect(get.status).toBe(403);
    expect(get.body.detail).toMatch(/insufficient_scope.*read/);

    const noAdmin = await withKey(rw.key, "GET", "/api/v1/api-keys");
    expect(noAdmin.status).toBe(403);
    expect(noAdmin.body.detail).toMatch(/insufficient_scope.*admin/);
    expect((await withKey(rw.key, "GET", "/api/v1/members/me")).status).toBe(200);

    // Permission changes need admin too; reading permissions does not.
    expect((await withKey(rw.key, "GET", "/api/v1/permissions/me")).status).toBe(200);
    const perm = await withKey(rw.key, "POST", "/api/v1/permissions/roles/member/reset");
    expect(perm.status).toBe(403);
    expect(perm.body.detail).toMatch(/insufficient_scope.*admin/);

    const list = await withKey(adm.key, "GET", "/api/v1/api-keys");
    expect(list.status).toBe(200);
    const made = await withKey(adm.key, "POST", "/api/v1/api-keys", { body: { name: "made by a key" } });
    expect(made.status).toBe(201);
    expect(made.body.created_by_user_id).toBe(owner.userId);

    // With an Idempotency-Key (the body is read before auth) and no X-Workspace-Id.
    const idem = `keys-${crypto.randomUUID()}`;
    const send = () =>
      call("POST", "/api/v1/api-keys", { headers: { "x-api-key": adm.key, "idempotency-key": idem }, body: { name: "idempotent" } });
    const once = await send();
    expect(once.status, JSON.stringify(once.body)).toBe(201);
    expect(once.body.name).toBe("idempotent");
    const replay = await send();
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(once.body.id);
  });

  it("acts with its creator's current role: demoting the creator demotes the key", async () => {
    const person = await signup();
    await join(owner, person, "admin");
    const { key } = await createKey({ scopes: ["admin"] }, person);
    expect((await withKey(key, "GET", "/api/v1/api-keys")).status).toBe(200);
    // Through the API, which tells the key cache at once; a change made behind the API's back
    // shows within the cache's 5 s.
    const memberId = (await call("GET", "/api/v1/members/me", { token: person.token, workspace: owner.workspaceId })).body.id;
    const demoted = await call("PUT", `/api/v1/members/${memberId}`, {
      token: owner.token,
      workspace: owner.workspaceId,
      body: { role: "member" },
    });
    expect(demoted.status).toBe(200);
    const r = await withKey(key, "GET", "/api/v1/api-keys");
    expect(r.status).toBe(403);
    expect(r.body.detail).toMatch(/can_manage_api_keys/);
    expect((await withKey(key, "GET", "/api/v1/members/me")).status).toBe(200);
    // Removed from the workspace: the key no longer authenticates.
    const [m] = await withControl((db) =>
      db
        .select()
        .from(workspaceMembers)
        .where(and(eq(workspaceMembers.workspaceId, owner.workspaceId), eq(workspaceMembers.userId, person.userId))),
    );
    const removed = await call("DELETE", `/api/v1/workspaces/${owner.workspaceId}/members/${m?.id}`, { token: owner.token });
    expect(removed.status).toBe(200);
    expect((await withKey(key, "GET", "/api/v1/members/me")).status).toBe(401);
  });

  it("revoked, disabled and deleted keys are 401 at once", async () => {
    const use = (key: string) => withKey(key, "GET", "/api/v1/members/me");

    const a = await createKey();
    expect((await use(a.key)).status).toBe(200);
    await manage("POST", `/${a.id}/revoke`);
    const revoked = await use(a.key);
    expect(revoked.status).toBe(401);
    expect(revoked.body).toMatchObject({ code: "invalid_token", detail: expect.stringMatching(/revoked/) });

    const b = await createKey();
    expect((await use(b.key)).status).toBe(200);
    await manage("POST", `/${b.id}/toggle`);
    const disabled = await use(b.key);
    expect(disabled.status).toBe(401);
    expect(disabled.body.detail).toMatch(/disabled/);
    await manage("POST", `/${b.id}/toggle`);
    expect((await use(b.key)).status).toBe(200);
    await manage("PUT", `/${b.id}`, { is_active: false });
    expect((await use(b.key)).status).toBe(401);

    const c = await createKey();
    expect((await use(c.key)).status).toBe(200);
    await manage("DELETE", `/${c.id}`);
    expect((await use(c.key)).status).toBe(401);

    const d = await createKey({ scopes: ["write"] });
    await manage("PUT", `/${d.id}`, { scopes: ["read"] });
    expect((await use(d.key)).status).toBe(200);
  });

  it("expired keys are 401 token_expired", async () => {
    const { key } = await createKey({ expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await withKey(key, "GET", "/api/v1/members/me")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1700));
    const r = await withKey(key, "GET", "/api/v1/members/me");
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("token_expired");
  });

  it("records last_used_at (after the response)", async () => {
    const { id, key } = await createKey();
    expect((await withKey(key, "GET", "/api/v1/members/me")).status).toBe(200);
    let last: Date | null = null;
    for (let i = 0; i < 40 && !last; i++) {
      const [row] = await withControl((db) => db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id)));
      last = row?.at ?? null;
      if (!last) await new Promise((r) => setTimeout(r, 50));
    }
    expect(last).not.toBeNull();
    expect((await manage("GET", `/${id}`)).body.last_used_at).toBe(last?.toISOString());
  });
});

describe("rate limits", () => {
  const rl = (r: { headers: Headers }) => ({
    limit: r.headers.get("x-ratelimit-limit"),
    remaining: r.headers.get("x-ratelimit-remaining"),
    reset: Number(r.headers.get("x-ratelimit-reset")),
  });

  it("every authenticated response carries X-RateLimit-*; people get the session limits", async () => {
    const p = await signup();
    const r = await call("GET", "/api/v1/members/me", { token: p.token, workspace: p.workspaceId });
    expect(r.status).toBe(200);
    expect(rl(r).limit).toBe("1000");
    expect(Number(rl(r).remaining)).toBeLessThan(1000);
    expect(rl(r).reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    // Error responses of authenticated requests carry them too.
    const elsewhere = await call("GET", "/api/v1/api-keys", { token: p.token, workspace: owner.workspaceId });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.headers.get("x-ratelimit-limit")).toBe("1000");
  });

  it("a test key on a trial (starter) plan: 10 per minute, then 429 with Retry-After", async () => {
    const { key } = await createKey({ mode: "test" });
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await withKey(key, "GET", "/api/v1/members/me");
      expect(r.status).toBe(200);
      expect(rl(r).limit).toBe("10");
      seen.push(rl(r).remaining as string);
    }
    expect(seen).toEqual(["9", "8", "7", "6", "5", "4", "3", "2", "1", "0"]);
    const over = await withKey(key, "GET", "/api/v1/members/me");
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ code: "rate_limited", detail: expect.stringMatching(/Rate limit exceeded/) });
    expect(typeof over.body.request_id).toBe("string");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(rl(over)).toMatchObject({ limit: "10", remaining: "0" });
  });

  it("live keys follow the workspace's plan; a per-key cap lowers it", async () => {
    const p = await signup();
    const mk = async (body: Record<string, unknown>) => {
      const r = await call("POST", "/api/v1/api-keys", { token: p.token, workspace: p.workspaceId, body: { name: "k", ...body } });
      return r.body.key as string;
    };
    const live = await mk({});
    expect(rl(await withKey(live, "GET", "/api/v1/members/me")).limit).toBe("60");
    await setPlan(p.workspaceId, "agency");
    // The plan is part of the cached key record: a new key sees it at once.
    const agency = await mk({});
    expect(rl(await withKey(agency, "GET", "/api/v1/members/me")).limit).toBe("1000");

    const capped = await mk({ rate_limit_per_minute: 3 });
    for (let i = 0; i < 3; i++) expect((await withKey(capped, "GET", "/api/v1/members/me")).status).toBe(200);
    const over = await withKey(capped, "GET", "/api/v1/members/me");
    expect(over.status).toBe(429);
    expect(rl(over).limit).toBe("3");
  });

  it("over the tier's concurrency → 429 until a request finishes", async () => {
    const { id, key } = await createKey();
    // Hold the starter tier's 5 slots directly on the key's limiter.
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`key:${id}`));
    const cfg: RateLimitConfig = { limit: 60, burst: 10, concurrency: 5 };
    const leases = await Promise.all(Array.from({ length: 5 }, () => stub.acquire(cfg)));
    expect(leases.every((l) => l.allowed)).toBe(true);
    const busy = await withKey(key, "GET", "/api/v1/members/me");
    expect(busy.status).toBe(429);
    expect(busy.body.detail).toMatch(/concurrent/);
    expect(busy.headers.get("retry-after")).toBe("1");
    await stub.release(leases[0]?.lease as number);
    expect((await withKey(key, "GET", "/api/v1/members/me")).status).toBe(200);
    // The request's own slot was given back after its response.
    let inFlight = 5;
    for (let i = 0; i < 20 && inFlight !== 4; i++) {
      inFlight = (await stub.snapshot()).inFlight;
      if (inFlight !== 4) await new Promise((r) => setTimeout(r, 25));
    }
    expect(inFlight).toBe(4);
  });
});

describeSecurity("api keys", [
  { method: "GET", path: "/api/v1/api-keys", workspace: true },
  { method: "GET", path: "/api/v1/api-keys/count", workspace: true },
  { method: "POST", path: "/api/v1/api-keys", workspace: true, body: { name: "x" } },
  { method: "GET", path: "/api/v1/api-keys/0190f2a4-0000-7000-8000-000000000000", workspace: true },
  { method: "PUT", path: "/api/v1/api-keys/0190f2a4-0000-7000-8000-000000000000", workspace: true, body: { name: "x" } },
  { method: "DELETE", path: "/api/v1/api-keys/0190f2a4-0000-7000-8000-000000000000", workspace: true },
  { method: "POST", path: "/api/v1/api-keys/0190f2a4-0000-7000-8000-000000000000/revoke", workspace: true },
  { method: "POST", path: "/api/v1/api-keys/0190f2a4-0000-7000-8000-000000000000/rotate", workspace: true },
  { method: "POST", path: "/api/v1/api-keys/0190f2a4-0000-7000-8000-000000000000/toggle", workspace: true },
]);
