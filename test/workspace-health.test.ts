import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tenantMigrations } from "../migrations/tenant";
import { upsertMember } from "../src/modules/members/service";
import { members } from "../src/modules/members/tables";
import { createContext } from "../src/platform/context";
import { type Role, tenantDatabases, workspaceMembers, workspaces } from "../src/platform/identity/tables";
import { jobs } from "../src/platform/jobs/tables";
import { startTenantMigration, TENANT_MIGRATION_JOB } from "../src/platform/tenancy/migrate-job";
import { forgetWorkspace } from "../src/platform/tenancy/resolve";
import { call, databaseUrl, env, raw, readSse, type SignedUp, signup, withControl, withDb } from "./harness";
import { describeSecurity } from "./security";

const LATEST = tenantMigrations.at(-1)?.name as string;
const tenantUrl = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);

async function addPerson(ws: SignedUp, role: Role): Promise<SignedUp> {
  const p = await signup();
  await withControl((db) => db.insert(workspaceMembers).values({ workspaceId: ws.workspaceId, userId: p.userId, role }));
  await withDb(tenantUrl(ws.workspaceId), (db) => upsertMember(db, { userId: p.userId, email: p.email, fullName: "Other", role }));
  return p;
}

const schemaVersion = (workspaceId: string) =>
  withControl(async (db) => {
    const [r] = await db.select().from(tenantDatabases).where(eq(tenantDatabases.workspaceId, workspaceId));
    return r?.schemaVersion ?? null;
  });
// A database falls behind only when a new build (new isolates, empty caches) brings a migration;
// here the build stays and the registry is edited, so the isolate's registry cache is dropped too.
const setSchemaVersion = async (workspaceId: string, v: string | null) => {
  await withControl((db) => db.update(tenantDatabases).set({ schemaVersion: v }).where(eq(tenantDatabases.workspaceId, workspaceId)));
  forgetWorkspace(workspaceId);
};

/**
 * Really puts the workspace's database behind: drops the module_settings table, forgets its
 * migration, and records the previous migration as the schema version.
 */
async function rollBackModuleSettings(workspaceId: string) {
  const i = tenantMigrations.findIndex((m) => m.name.endsWith("_module_settings"));
  const m = tenantMigrations[i];
  const previous = tenantMigrations[i - 1];
  if (!m || !previous) throw new Error("no module_settings migration");
  await withDb(tenantUrl(workspaceId), async (db) => {
    await db.execute(sql`DROP TABLE module_settings`);
    await db.execute(sql`DELETE FROM __migrations WHERE name = ${m.name}`);
  });
  await setSchemaVersion(workspaceId, previous.name);
  return { migration: m.name, previous: previous.name };
}

describe("workspace health", () => {
  it("reports a fresh workspace as up to date (200) with nothing set up", async () => {
    const a = await signup();
    const r = await call("GET", "/api/v1/workspace-health", { token: a.token, workspace: a.workspaceId });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      brand: false,
      migration_required: false,
      personal_onboarding_complete: false,
      company_onboarding_complete: false,
      schema_version: LATEST,
      latest_schema_version: LATEST,
      migration_job: null,
    });
  });

  it("derives the flags from the member record, the workspace settings and the brand module", async () => {
    const a = await signup();
    const viewer = await addPerson(a, "viewer");
    await withDb(tenantUrl(a.workspaceId), (db) =>
      db.update(members).set({ onboardingCompleted: true }).where(eq(members.userId, a.userId)),
    );
    await withControl((db) =>
      db
        .update(workspaces)
        .set({ settings: { onboarding_completed: true } })
        .where(eq(workspaces.id, a.workspaceId)),
    );
    // An enabled brand module with empty settings is not a brand yet.
    await call("POST", "/api/v1/modules", { token: a.token, workspace: a.workspaceId, body: { module: "brand" } });
    const before = await call("GET", "/api/v1/workspace-health", { token: a.token, workspace: a.workspaceId });
    expect(before.body).toMatchObject({ brand: false, personal_onboarding_complete: true, company_onboarding_complete: true });
    await call("PUT", "/api/v1/modules/brand", { token: a.token, workspace: a.workspaceId, body: { settings: { name: "Engines" } } });
    const r = await call("GET", "/api/v1/workspace-health", { token: a.token, workspace: a.workspaceId });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ brand: true, personal_onboarding_complete: true, company_onboarding_complete: true });
    // Personal onboarding is the caller's own.
    const v = await call("GET", "/api/v1/workspace-health", { token: viewer.token, workspace: a.workspaceId });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ brand: true, personal_onboarding_complete: false, company_onboarding_complete: true });
  });

  it("blocks tenant routes with 503 migration_required until an admin migrates; health keeps answering", async () => {
    const a = await signup();
    const member = await addPerson(a, "member");
    const owner = { token: a.token, workspace: a.workspaceId };
    await call("PUT", "/api/v1/modules/brand", { ...owner, body: { settings: { name: "Engines" } } });
    const { previous } = await rollBackModuleSettings(a.workspaceId);

    for (const path of ["/api/v1/members/me", "/api/v1/modules", "/api/v1/modules/crm"]) {
      const r = await call("GET", path, owner);
      expect(r.status, path).toBe(503);
      expect(r.body).toMatchObject({ code: "migration_required" });
      expect(typeof r.body.request_id).toBe("string");
    }
    expect((await call("PUT", "/api/v1/modules/crm", { ...owner, body: { is_enabled: false } })).body.code).toBe("migration_required");
    // Not a member: still 404, the schema state leaks to nobody.
    const outsider = await signup();
    expect((await call("GET", "/api/v1/members/me", { token: outsider.token, workspace: a.workspaceId })).status).toBe(404);

    // The health check answers 503 with its flags (the brand table is gone: not configured).
    const health = await call("GET", "/api/v1/workspace-health", owner);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      migration_required: true,
      brand: false,
      personal_onboarding_complete: false,
      schema_version: previous,
      latest_schema_version: LATEST,
      migration_job: null,
    });
    expect((await call("GET", "/api/v1/workspace-health", { token: member.token, workspace: a.workspaceId })).status).toBe(503);

    // Members cannot start it.
    const denied = await call("POST", "/api/v1/workspace-health/migrate", { token: member.token, workspace: a.workspaceId });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("forbidden");

    // Two triggers at once: one job.
    const [t1, t2] = await Promise.all([
      call("POST", "/api/v1/workspace-health/migrate", owner),
      call("POST", "/api/v1/workspace-health/migrate", owner),
    ]);
    expect([t1.status, t2.status]).toEqual([200, 200]);
    expect(t1.body.job_id).toBe(t2.body.job_id);
    expect(t1.body).toMatchObject({ stream_url: `/api/v1/workspace-health/migration/${t1.body.job_id}/stream` });
    expect(["QUEUED", "RUNNING", "COMPLETED"]).toContain(t1.body.status);

    // Any member of the workspace may follow it.
    const stream = await raw(t1.body.stream_url, { headers: { authorization: `Bearer ${member.token}`, "x-workspace-id": a.workspaceId } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = await readSse(stream, (e) => e.data.status === "COMPLETED" || e.data.status === "FAILED");
    const last = events.at(-1);
    expect(last?.data).toMatchObject({
      job_id: t1.body.job_id,
      status: "COMPLETED",
      progress: 100,
      current_step: "completed",
      error_message: null,
      result: { schema_version: LATEST },
    });
    expect(last?.data.result.applied_migrations).toContain(tenantMigrations.find((m) => m.name.endsWith("_module_settings"))?.name);
    const progress = events.map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(events.map((e) => e.data.current_step)).toEqual(expect.arrayContaining(["starting", "running_migrations"]));

    // The workspace works again, at once (nothing cached), with the table back.
    expect(await schemaVersion(a.workspaceId)).toBe(LATEST);
    expect((await call("GET", "/api/v1/members/me", owner)).status).toBe(200);
    const mods = await call("GET", "/api/v1/modules", owner);
    expect(mods.status).toBe(200);
    const after = await call("GET", "/api/v1/workspace-health", owner);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ migration_required: false, schema_version: LATEST, migration_job: null });

    const job = await withControl(async (db) => (await db.select().from(jobs).where(eq(jobs.id, t1.body.job_id)))[0]);
    expect(job).toMatchObject({ kind: TENANT_MIGRATION_JOB, status: "COMPLETED", workspaceId: a.workspaceId, userId: a.userId });

    // A finished job does not block the next trigger (which finds nothing to do).
    const next = await call("POST", "/api/v1/workspace-health/migrate", owner);
    expect(next.status).toBe(200);
    expect(next.body.job_id).not.toBe(t1.body.job_id);
    const done = await readSse(
      await raw(next.body.stream_url, { headers: { authorization: `Bearer ${a.token}`, "x-workspace-id": a.workspaceId } }),
    );
    expect(done.at(-1)?.data).toMatchObject({ status: "COMPLETED", result: { applied_migrations: [] } });
  });

  it("treats a missing schema version as behind, and shows a running job in the health check", async () => {
    const a = await signup();
    const admin = await addPerson(a, "admin");
    await setSchemaVersion(a.workspaceId, null);
    expect((await call("GET", "/api/v1/members/me", { token: a.token, workspace: a.workspaceId })).status).toBe(503);
    // A job already under way (queued), as another isolate would have left it.
    const jobId = crypto.randomUUID();
    await withControl((db) =>
      db.insert(jobs).values({ id: jobId, kind: TENANT_MIGRATION_JOB, status: "RUNNING", workspaceId: a.workspaceId, userId: a.userId }),
    );
    const health = await call("GET", "/api/v1/workspace-health", { token: admin.token, workspace: a.workspaceId });
    expect(health.status).toBe(503);
    expect(health.body.migration_job).toEqual({
      job_id: jobId,
      status: "RUNNING",
      stream_url: `/api/v1/workspace-health/migration/${jobId}/stream`,
    });
    // The admin's trigger joins it instead of starting a second one.
    const t = await call("POST", "/api/v1/workspace-health/migrate", { token: admin.token, workspace: a.workspaceId });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ job_id: jobId, status: "RUNNING" });
    const count = await withControl((db) =>
      db.$count(jobs, sql`${jobs.workspaceId} = ${a.workspaceId} AND ${jobs.kind} = ${TENANT_MIGRATION_JOB}`),
    );
    expect(count).toBe(1);

    // Once that job stops reporting (its isolate died), it no longer blocks: it is failed and a new one runs.
    await withControl((db) => db.update(jobs).set({ updatedAt: sql`now() - interval '16 minutes'` }).where(eq(jobs.id, jobId)));
    const fresh = await call("POST", "/api/v1/workspace-health/migrate", { token: admin.token, workspace: a.workspaceId });
    expect(fresh.body.job_id).not.toBe(jobId);
    const events = await readSse(
      await raw(fresh.body.stream_url, { headers: { authorization: `Bearer ${admin.token}`, "x-workspace-id": a.workspaceId } }),
    );
    expect(events.at(-1)?.data.status).toBe("COMPLETED");
    const stale = await withControl(async (db) => (await db.select().from(jobs).where(eq(jobs.id, jobId)))[0]);
    expect(stale?.status).toBe("FAILED");
    expect(await schemaVersion(a.workspaceId)).toBe(LATEST);
    expect((await call("GET", "/api/v1/members/me", { token: a.token, workspace: a.workspaceId })).status).toBe(200);
  });

  it("reports FAILED with a clear message when the migration cannot run, and stays retryable", async () => {
    const a = await signup();
    await setSchemaVersion(a.workspaceId, null);
    // Wrong encryption key: the stored connection string cannot be decrypted.
    const broken = { ...env, ENCRYPTION_KEY: "a-different-encryption-key-0123456789abcdef" };
    const pending: Promise<unknown>[] = [];
    const ctx = createContext({ env: broken, requestId: "test-migrate-broken", waitUntil: (p) => pending.push(p) });
    const started = await startTenantMigration(ctx, a.workspaceId, a.userId);
    await Promise.all(pending);
    await ctx.connections.close();
    expect(started.started).toBe(true);

    const headers = { authorization: `Bearer ${a.token}`, "x-workspace-id": a.workspaceId };
    const events = await readSse(await raw(`/api/v1/workspace-health/migration/${started.jobId}/stream`, { headers }));
    expect(events.at(-1)?.data).toMatchObject({
      status: "FAILED",
      error_message: "The workspace database could not be migrated. Please try again.",
    });
    expect(await schemaVersion(a.workspaceId)).toBeNull();
    // Still required; a new trigger starts a new job that succeeds.
    const retry = await call("POST", "/api/v1/workspace-health/migrate", { token: a.token, workspace: a.workspaceId });
    expect(retry.body.job_id).not.toBe(started.jobId);
    const ok = await readSse(await raw(retry.body.stream_url, { headers }));
    expect(ok.at(-1)?.data.status).toBe("COMPLETED");
    expect((await call("GET", "/api/v1/workspace-health", { token: a.token, workspace: a.workspaceId })).status).toBe(200);
  });

  it("streams a job only to members of its workspace (404 otherwise)", async () => {
    const [a, b] = await Promise.all([signup(), signup()]);
    const t = await call("POST", "/api/v1/workspace-health/migrate", { token: a.token, workspace: a.workspaceId });
    expect(t.status).toBe(200);
    const path = t.body.stream_url as string;
    // b is a member of their own workspace, not of the job's.
    const other = await call("GET", path, { token: b.token, workspace: b.workspaceId });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe("not_found");
    expect((await call("GET", path, { token: b.token, workspace: a.workspaceId })).status).toBe(404);
    for (const id of [crypto.randomUUID(), "not-a-uuid"]) {
      const r = await call("GET", `/api/v1/workspace-health/migration/${id}/stream`, { token: a.token, workspace: a.workspaceId });
      expect(r.status, id).toBe(404);
    }
    // Another kind of job (here: a signup job) is not a migration.
    const signupJob = crypto.randomUUID();
    await withControl((db) => db.insert(jobs).values({ id: signupJob, kind: "signup", status: "COMPLETED", workspaceId: a.workspaceId }));
    expect(
      (await call("GET", `/api/v1/workspace-health/migration/${signupJob}/stream`, { token: a.token, workspace: a.workspaceId })).status,
    ).toBe(404);
    // Let a's job finish before the test ends.
    const events = await readSse(await raw(path, { headers: { authorization: `Bearer ${a.token}`, "x-workspace-id": a.workspaceId } }));
    expect(events.at(-1)?.data.status).toBe("COMPLETED");
  });
});

describeSecurity("workspace health", [
  { method: "GET", path: "/api/v1/workspace-health", workspace: true },
  { method: "POST", path: "/api/v1/workspace-health/migrate", workspace: true },
  { method: "GET", path: `/api/v1/workspace-health/migration/${crypto.randomUUID()}/stream`, workspace: true },
]);
