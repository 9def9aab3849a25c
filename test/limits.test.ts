import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { agents } from "../src/modules/agents/tables";
import { documents, documentVersions } from "../src/modules/documents/tables";
import { integrations } from "../src/modules/integrations/tables";
import { rolePermissions } from "../src/modules/permissions/tables";
import { workflows } from "../src/modules/workflows/tables";
import { invitations } from "../src/modules/workspaces/tables";
import { forgetBilling } from "../src/platform/billing/limits";
import type { Db } from "../src/platform/db";
import { emailOutbox } from "../src/platform/email/tables";
import { users, workspaceMembers } from "../src/platform/identity/tables";
import { call, databaseUrl, env, type SignedUp, signup, uniqueEmail, withControl, withDb } from "./harness";

// Tier limits and features enforced at the point of use: a refusal is a 402/403 that writes nothing.

const tenant = <T>(workspaceId: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`), f);
const as = (who: SignedUp, method: string, path: string, body?: unknown) =>
  call(method, path, { token: who.token, workspace: who.workspaceId, ...(body !== undefined ? { body } : {}) });

/** Writes the workspace's billing row (overrides and optionally status/trial end) and drops the cached state. */
async function billing(
  workspaceId: string,
  overrides: { limits?: Record<string, number | null>; features?: Record<string, boolean> },
  status: { status?: string; trialEndsAt?: Date } = {},
) {
  await withControl((db) =>
    db.execute(sql`
      INSERT INTO workspace_billing (workspace_id, overrides, status, trial_ends_at)
      VALUES (${workspaceId}, ${JSON.stringify(overrides)}::jsonb, ${status.status ?? "trialing"}, ${status.trialEndsAt?.toISOString() ?? null})
      ON CONFLICT (workspace_id) DO UPDATE SET overrides = EXCLUDED.overrides,
        status = EXCLUDED.status, trial_ends_at = COALESCE(EXCLUDED.trial_ends_at, workspace_billing.trial_ends_at)`),
  );
  forgetBilling(workspaceId);
}

const wfBody = (name: string) => ({ name, definition: { nodes: [{ id: "a", component: "input" }] } });
const countWorkflows = (ws: string) => tenant(ws, (db) => db.$count(workflows));

function expectLimit(r: { status: number; body: any }, limit: Record<string, unknown>) {
  expect(r.status, JSON.stringify(r.body)).toBe(402);
  expect(r.body.code).toBe("limit_exceeded");
  expect(r.body.limit).toEqual(limit);
}

describe("seats", () => {
  let owner: SignedUp;
  const seatState = () =>
    withControl(async (db) => ({
      members: await db.$count(workspaceMembers, eq(workspaceMembers.workspaceId, owner.workspaceId)),
      invitations: await db.$count(invitations, eq(invitations.workspaceId, owner.workspaceId)),
    }));
  beforeAll(async () => {
    owner = await signup();
  });

  it("invites up to the limit; the next is a 402 before any user, membership, invitation or email is written", async () => {
    await billing(owner.workspaceId, { limits: { seats: 3 } });
    const invite = (email: string) =>
      call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, { token: owner.token, body: { email, role: "member" } });
    const first = uniqueEmail("seat");
    expect((await invite(first)).status).toBe(201);
    expect((await invite(uniqueEmail("seat"))).status).toBe(201);
    const before = await seatState();
    const email = uniqueEmail("over");
    const r = await invite(email);
    expectLimit(r, { type: "seats", limit: 3, used: 3, requested: 1, tier: "starter", upgrade_to: "manager" });
    // Through the other entry points too: POST /members and invite links.
    expectLimit(await as(owner, "POST", "/api/v1/members", { email, role: "member" }), {
      type: "seats",
      limit: 3,
      used: 3,
      requested: 1,
      tier: "starter",
      upgrade_to: "manager",
    });
    const link = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite-link`, {
      token: owner.token,
      body: { email, role: "member" },
    });
    expect(link.status).toBe(402);
    expect(await seatState()).toEqual(before);
    const written = await withControl(async (db) => ({
      users: await db.$count(users, eq(users.email, email)),
      emails: await db.$count(emailOutbox, eq(emailOutbox.toAddress, email)),
    }));
    expect(written).toEqual({ users: 0, emails: 0 });
    // A pending invitee already holds a seat: re-inviting them is not refused.
    expect((await invite(first)).status).toBe(201);
    // Raising the limit lets the invite through.
    await billing(owner.workspaceId, { limits: { seats: 4 } });
    expect((await invite(email)).status).toBe(201);
  });

  it("concurrent invites cannot pass the limit together", async () => {
    const o = await signup();
    await billing(o.workspaceId, { limits: { seats: 4 } });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        call("POST", `/api/v1/workspaces/${o.workspaceId}/invite`, {
          token: o.token,
          body: { email: uniqueEmail("race"), role: "member" },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 402)).toHaveLength(7);
    const seats = await withControl((db) => db.$count(workspaceMembers, eq(workspaceMembers.workspaceId, o.workspaceId)));
    expect(seats).toBe(4);
  });
});

describe("workflows", () => {
  let owner: SignedUp;
  beforeAll(async () => {
    owner = await signup();
  });

  it("creates up to the limit; the next is a 402 that writes nothing; an unlimited override lets it through", async () => {
    await billing(owner.workspaceId, { limits: { workflows: 2 } });
    for (const n of ["one", "two"]) expect((await as(owner, "POST", "/api/v1/workflows", wfBody(n))).status).toBe(201);
    const before = await countWorkflows(owner.workspaceId);
    const r = await as(owner, "POST", "/api/v1/workflows", wfBody("three"));
    expectLimit(r, { type: "workflows", limit: 2, used: 2, requested: 1, tier: "starter", upgrade_to: "manager" });
    expect(r.body.detail).toMatch(/Starter plan allows 2 workflows/);
    expect(await countWorkflows(owner.workspaceId)).toBe(before);
    await billing(owner.workspaceId, { limits: { workflows: null } });
    expect((await as(owner, "POST", "/api/v1/workflows", wfBody("three"))).status).toBe(201);
  });

  it("10 concurrent creates with room for 3: exactly 3 succeed", async () => {
    const used = await countWorkflows(owner.workspaceId);
    await billing(owner.workspaceId, { limits: { workflows: used + 3 } });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => as(owner, "POST", "/api/v1/workflows", wfBody(`race ${i}`))));
    const statuses = results.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 201),
      JSON.stringify(statuses),
    ).toHaveLength(3);
    expect(statuses.filter((s) => s === 402)).toHaveLength(7);
    expect(await countWorkflows(owner.workspaceId)).toBe(used + 3);
  });

  it("an expired trial is a 402 payment_required on create, and nothing is written", async () => {
    const o = await signup();
    await billing(o.workspaceId, {}, { status: "trialing", trialEndsAt: new Date(Date.now() - 60_000) });
    const r = await as(o, "POST", "/api/v1/workflows", wfBody("late"));
    expect(r.status, JSON.stringify(r.body)).toBe(402);
    expect(r.body.code).toBe("payment_required");
    expect(r.body.subscription).toMatchObject({ status: "trialing" });
    expect(await countWorkflows(o.workspaceId)).toBe(0);
    await billing(o.workspaceId, {}, { status: "active" });
    expect((await as(o, "POST", "/api/v1/workflows", wfBody("paid"))).status).toBe(201);
  });
});

describe("AI employees", () => {
  it("custom employees up to the limit; the next is a 402 with no agent or member row", async () => {
    const o = await signup();
    await billing(o.workspaceId, { limits: { ai_employees: 1 } });
    const body = (name: string) => ({ name, role: "Analyst", category: "general", capabilities: ["research"] });
    expect((await as(o, "POST", "/api/v1/agents", body("Scout"))).status).toBe(201);
    const count = () =>
      tenant(o.workspaceId, async (db) => ({
        agents: await db.$count(agents),
        members: Number(((await db.execute(sql`SELECT count(*) AS n FROM members`)) as unknown as { rows: { n: string }[] }).rows[0]?.n),
      }));
    const before = await count();
    const r = await as(o, "POST", "/api/v1/agents", body("Ranger"));
    expectLimit(r, { type: "ai_employees", limit: 1, used: 1, requested: 1, tier: "starter", upgrade_to: "manager" });
    expect(await count()).toEqual(before);
    await billing(o.workspaceId, { limits: { ai_employees: 2 } });
    expect((await as(o, "POST", "/api/v1/agents", body("Ranger"))).status).toBe(201);
  });
});

describe("storage", () => {
  let owner: SignedUp;
  const form = (bytes: number, name = "f.txt") => {
    const f = new FormData();
    f.append("file", new File([new Uint8Array(bytes).fill(97)], name, { type: "text/plain" }));
    return f;
  };
  const upload = (bytes: number) =>
    call("POST", "/api/v1/documents/upload", { token: owner.token, workspace: owner.workspaceId, raw: form(bytes) });
  const state = async () => ({
    ...(await tenant(owner.workspaceId, async (db) => ({
      documents: await db.$count(documents),
      versions: await db.$count(documentVersions),
    }))),
    objects: (await env.FILES.list({ prefix: "documents/" })).objects.length,
  });
  beforeAll(async () => {
    owner = await signup();
  });

  it("an upload past the limit is a 402; nothing in R2 or the database", async () => {
    await billing(owner.workspaceId, { limits: { storage: 1000 } });
    const first = await upload(600);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const before = await state();
    expectLimit(await upload(600), { type: "storage", limit: 1000, used: 600, requested: 600, tier: "starter", upgrade_to: "manager" });
    expect(await state()).toEqual(before);
    // A new version counts too.
    const v = await call("POST", `/api/v1/documents/${first.body.id}/versions`, {
      token: owner.token,
      workspace: owner.workspaceId,
      raw: form(600),
    });
    expectLimit(v, { type: "storage", limit: 1000, used: 600, requested: 600, tier: "starter", upgrade_to: "manager" });
    expect(await state()).toEqual(before);
    // What fits still goes in.
    expect((await upload(400)).status).toBe(201);
    // Full: refused before the body is read.
    expectLimit(await upload(1), { type: "storage", limit: 1000, used: 1000, requested: 1, tier: "starter", upgrade_to: "manager" });
    await billing(owner.workspaceId, { limits: { storage: 2000 } });
    expect((await upload(600)).status).toBe(201);
  });

  it("a bulk upload stores what fits; each file past the limit fails alone and leaves nothing", async () => {
    const used = await tenant(owner.workspaceId, async (db) =>
      Number(
        ((await db.execute(sql`SELECT sum(size_bytes) AS n FROM document_versions`)) as unknown as { rows: { n: string }[] }).rows[0]?.n,
      ),
    );
    await billing(owner.workspaceId, { limits: { storage: used + 300 } });
    const before = await state();
    const f = new FormData();
    f.append("file", new File([new Uint8Array(200).fill(98)], "fits.txt", { type: "text/plain" }));
    f.append("file", new File([new Uint8Array(500).fill(99)], "too-big.txt", { type: "text/plain" }));
    const r = await call("POST", "/api/v1/documents/upload/bulk", { token: owner.token, workspace: owner.workspaceId, raw: f });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const byName = Object.fromEntries(r.body.results.map((x: { file_name: string }) => [x.file_name, x]));
    expect(byName["fits.txt"]).toMatchObject({ status: "created" });
    expect(byName["too-big.txt"]).toMatchObject({ status: "failed" });
    expect(byName["too-big.txt"].error).toContain(`allows ${used + 300} bytes of storage`);
    expect(await state()).toEqual({ documents: before.documents + 1, versions: before.versions + 1, objects: before.objects + 1 });
  });
});

describe("features", () => {
  it("custom roles need a plan that includes them (403 feature_not_available); nothing is written", async () => {
    const starter = await signup();
    const r = await as(starter, "PATCH", "/api/v1/permissions/roles/viewer", { permission: "can_create_goal", allowed: true });
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.code).toBe("feature_not_available");
    expect(r.body.feature).toEqual({ name: "custom_roles", tier: "starter", upgrade_to: "manager" });
    expect(await tenant(starter.workspaceId, (db) => db.$count(rolePermissions))).toBe(0);
    // An override grants it without a plan change.
    await billing(starter.workspaceId, { features: { custom_roles: true } });
    expect((await as(starter, "PATCH", "/api/v1/permissions/roles/viewer", { permission: "can_create_goal", allowed: true })).status).toBe(
      200,
    );
    const manager = await signup({ plan: "manager" });
    expect((await as(manager, "PATCH", "/api/v1/permissions/roles/viewer", { permission: "can_create_goal", allowed: true })).status).toBe(
      200,
    );
  });

  it("integrations turned off by an override: connecting is a 403", async () => {
    const o = await signup();
    await billing(o.workspaceId, { features: { integrations: false } });
    const r = await as(o, "POST", "/api/v1/integrations", {
      type: "shopify",
      credentials: { access_token: "shpat_x12345678", shop_domain: "x.myshopify.com" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.code).toBe("feature_not_available");
    expect(r.body.feature).toMatchObject({ name: "integrations", tier: "starter" });
    expect((await as(o, "GET", "/api/v1/integrations/oauth/slack/initiate")).body.code).toBe("feature_not_available");
    expect(await tenant(o.workspaceId, (db) => db.$count(integrations))).toBe(0);
  });
});
