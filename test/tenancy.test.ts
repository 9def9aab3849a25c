import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { paymentInvites } from "../src/modules/auth/tables";
import { members } from "../src/modules/members/tables";
import { createContext } from "../src/platform/context";
import { tenantDatabases, users, workspaces } from "../src/platform/identity/tables";
import { jobs } from "../src/platform/jobs/tables";
import { call, databaseUrl, env, nextEmail, raw, readSse, signup, uniqueEmail, withControl, withDb } from "./harness";

async function createInvite(overrides: Partial<typeof paymentInvites.$inferInsert> = {}) {
  const code = `inv_${crypto.randomUUID().replace(/-/g, "")}`;
  const email = overrides.email ?? uniqueEmail("paid");
  await withControl((db) =>
    db.insert(paymentInvites).values({
      code,
      email,
      accessCode: "123456",
      companyName: "Paid Up Ltd",
      fullName: "Pat Paid",
      plan: "manager",
      stripeCustomerId: "cus_test123",
      stripeSubscriptionId: "sub_test123",
      ...overrides,
    }),
  );
  return { code, email };
}

describe("one database per workspace", () => {
  it("provisions a real, separate database with the owner's member record", async () => {
    const a = await signup();
    const row = await withControl(async (db) => {
      const [r] = await db.select().from(tenantDatabases).where(eq(tenantDatabases.workspaceId, a.workspaceId));
      return r;
    });
    expect(row).toMatchObject({ provider: "local", databaseName: `ws_${a.workspaceId.replace(/-/g, "")}` });
    // Encrypted at rest: no URL, password or database name in the stored value.
    expect(row?.connectionEncrypted).toMatch(/^v1\./);
    expect(row?.connectionEncrypted).not.toContain("postgres");
    expect(row?.schemaVersion).toBeTruthy();

    const inTenant = await withDb(databaseUrl(row?.databaseName as string), async (db) => {
      const rows = await db.select().from(members);
      const [{ name }] = (await db.execute<{ name: string }>(sql`SELECT current_database() AS name`)).rows as [{ name: string }];
      const [migrated] = (await db.execute(sql`SELECT count(*)::int AS n FROM __migrations`)).rows as [{ n: number }];
      return { rows, name, migrations: migrated.n };
    });
    expect(inTenant.name).toBe(row?.databaseName);
    expect(inTenant.rows).toHaveLength(1);
    expect(inTenant.rows[0]).toMatchObject({ userId: a.userId, role: "owner", email: a.email });
    expect(inTenant.migrations).toBeGreaterThan(0);
  });

  it("keeps workspaces apart: a member of A cannot see B", async () => {
    const [a, b] = await Promise.all([signup(), signup()]);
    expect((await call("GET", `/api/v1/workspaces/${b.workspaceId}`, { token: a.token })).status).toBe(404);
    expect((await call("GET", "/api/v1/members/me", { token: a.token, workspace: b.workspaceId })).status).toBe(404);
    expect((await call("GET", `/api/v1/auth/me?workspace_id=${b.workspaceId}`, { token: a.token })).status).toBe(404);
    expect((await call("GET", "/api/v1/members/me", { token: a.token, workspace: "not-a-uuid" })).status).toBe(404);
    expect((await call("GET", "/api/v1/members/me", { token: a.token, workspace: crypto.randomUUID() })).status).toBe(404);
    const list = await call("GET", "/api/v1/workspaces", { token: a.token });
    expect(list.body.map((w: { id: string }) => w.id)).toEqual([a.workspaceId]);

    // B's database holds only B's people.
    const bRows = await withDb(databaseUrl(`ws_${b.workspaceId.replace(/-/g, "")}`), (db) => db.select().from(members));
    expect(bRows.map((m) => m.userId)).toEqual([b.userId]);
  });

  it("creates further workspaces for the caller, each with its own database", async () => {
    const a = await signup();
    const r = await call("POST", "/api/v1/workspaces", { token: a.token, body: { name: "Second Shop" } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "Second Shop", slug: expect.stringMatching(/^second-shop/), role: "owner", status: "active" });
    const list = await call("GET", "/api/v1/workspaces", { token: a.token });
    expect(list.body).toHaveLength(2);
    const m = await call("GET", "/api/v1/members/me", { token: a.token, workspace: r.body.id });
    expect(m.status).toBe(200);
    const bad = await call("POST", "/api/v1/workspaces", { token: a.token, body: { name: "   " } });
    expect(bad.status).toBe(422);
  });

  it("leaves nothing behind when provisioning fails", async () => {
    // The database server refuses the clone: its template does not exist.
    const broken = { ...env, TENANT_TEMPLATE_DATABASE: "no_such_template" };
    const ctx = createContext({ env: broken, requestId: "test-broken", waitUntil: () => {} });
    const { signup: signupVerb } = await import("../src/modules/auth/service");
    const email = uniqueEmail("broken");
    try {
      await expect(
        signupVerb({
          ctx,
          input: { email, password: "correct horse battery", full_name: "B", company_name: "Broken Co", plan: "starter" },
        }),
      ).rejects.toMatchObject({ code: "provisioning_failed", status: 500, retryable: true });
    } finally {
      await ctx.connections.close();
    }
    const left = await withControl(async (db) => ({
      users: await db.select().from(users).where(eq(users.email, email)),
      workspaces: await db.select().from(workspaces).where(eq(workspaces.name, "Broken Co")),
    }));
    expect(left.users).toHaveLength(0);
    expect(left.workspaces).toHaveLength(0);
    // …so signing up again simply works.
    const again = await call("POST", "/api/v1/auth/signup", {
      body: { email, password: "correct horse battery", full_name: "B", company_name: "Broken Co" },
    });
    expect(again.status).toBe(201);
  });
});

describe("Stripe payment invites", () => {
  it("looks invites up by code and by email", async () => {
    const inv = await createInvite();
    const byCode = await call("GET", `/api/v1/auth/stripe-invite/${inv.code}`);
    expect(byCode.status).toBe(200);
    expect(byCode.body).toMatchObject({ invite_code: inv.code, email: inv.email, plan: "manager", status: "pending", is_valid: true });
    expect((await call("GET", "/api/v1/auth/stripe-invite/nope-unknown")).status).toBe(404);

    // By email: the code only for the right access code; a wrong one looks like no invite at all.
    const wrong = await call("POST", "/api/v1/auth/lookup-invite", { body: { email: inv.email, access_code: "000000" } });
    expect(wrong.status).toBe(404);
    expect(JSON.stringify(wrong.body)).not.toContain(inv.code);
    const none = await call("POST", "/api/v1/auth/lookup-invite", { body: { email: uniqueEmail("none"), access_code: "000000" } });
    expect(none.status).toBe(404);
    expect(none.body.detail).toBe(wrong.body.detail);
    const right = await call("POST", "/api/v1/auth/lookup-invite", { body: { email: inv.email, access_code: "123456" } });
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ invite_code: inv.code, access_code_valid: true });

    // Without the access code the link goes to the invite's own mailbox; the answer is the same for unknown emails.
    const { mail, result: emailed } = await nextEmail(inv.email, "payment_invite", () =>
      call("POST", "/api/v1/auth/lookup-invite", { body: { email: inv.email } }),
    );
    expect(emailed.status).toBe(202);
    expect(JSON.stringify(emailed.body)).not.toContain(inv.code);
    expect(mail.data.invite_code).toBe(inv.code);
    const unknown = await call("POST", "/api/v1/auth/lookup-invite", { body: { email: uniqueEmail("none") } });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(emailed.body);
  });

  it("limits access-code guesses per email, whatever the IP", async () => {
    const inv = await createInvite();
    for (let i = 0; i < 5; i++) {
      const r = await call("POST", "/api/v1/auth/lookup-invite", { body: { email: inv.email, access_code: `99999${i}` } });
      expect(r.status).toBe(404);
    }
    const locked = await call("POST", "/api/v1/auth/lookup-invite", { body: { email: inv.email, access_code: "123456" } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(JSON.stringify(locked.body)).not.toContain(inv.code);
  });

  it("signs up with an invite once, linking the paid subscription", async () => {
    const inv = await createInvite();
    const r = await call("POST", "/api/v1/auth/signup/stripe-invite", {
      body: { invite_code: inv.code, password: "correct horse battery" },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      user: { email: inv.email },
      workspace: { name: "Paid Up Ltd", plan: "manager" },
      subscription_id: "sub_test123",
    });
    const again = await call("POST", "/api/v1/auth/signup/stripe-invite", {
      body: { invite_code: inv.code, password: "correct horse battery" },
    });
    expect(again.status).toBe(409);
    const used = await call("GET", `/api/v1/auth/stripe-invite/${inv.code}`);
    expect(used.body).toMatchObject({ status: "used", is_valid: false });
    const noPassword = await call("POST", "/api/v1/auth/signup/stripe-invite", { body: { invite_code: inv.code } });
    expect(noPassword.status).toBe(422);
  });

  it("async signup streams progress over SSE and ends with the session tokens", async () => {
    const inv = await createInvite();
    const start = await call("POST", "/api/v1/auth/signup/stripe-invite/async", {
      body: { invite_code: inv.code, password: "correct horse battery", company_name: "Streamed Inc" },
    });
    expect(start.status).toBe(200);
    expect(start.body.stream_url).toBe(`/api/v1/auth/signup/jobs/${start.body.job_id}/stream`);

    const stream = await raw(start.body.stream_url);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(stream.headers.get("content-encoding")).toBe("identity");
    const events = await readSse(stream);
    const last = events.at(-1);
    expect(last?.data).toMatchObject({
      job_id: start.body.job_id,
      status: "COMPLETED",
      progress: 100,
      result: { workspace_name: "Streamed Inc", token_type: "bearer" },
    });
    // Ordered ids, non-decreasing progress, the seed's steps on the way.
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const progress = events.map((e) => e.data.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    const steps = events.map((e) => e.data.current_step);
    expect(steps).toEqual(expect.arrayContaining(["creating_user", "provisioning_database", "running_migrations", "creating_member"]));
    expect(events.slice(0, -1).every((e) => e.data.status === "RUNNING")).toBe(true);

    const me = await call("GET", "/api/v1/auth/me", { token: last?.data.result.access_token });
    expect(me.status).toBe(200);
    expect(me.body.workspace_id).toBe(last?.data.result.workspace_id);

    // Resuming after the 2nd event replays only what followed, ending at COMPLETED again.
    const resumed = await readSse(await raw(start.body.stream_url, { headers: { "last-event-id": String(ids[1]) } }));
    expect(resumed.map((e) => Number(e.id))).toEqual(ids.slice(2));
    // EventSource reconnects by itself after the close: past the terminal event it gets 204
    // (which stops it), not a stream held open with heartbeats.
    const after = await raw(start.body.stream_url, { headers: { "last-event-id": String(ids.at(-1)) } });
    expect(after.status).toBe(204);
    expect(await after.text()).toBe("");

    // Tokens never reach the database.
    const job = await withControl(async (db) => (await db.select().from(jobs).where(eq(jobs.id, start.body.job_id)))[0]);
    expect(job?.status).toBe("COMPLETED");
    expect(JSON.stringify(job)).not.toContain(last?.data.result.access_token);
  });

  it("async signup reports FAILED with a clear message and frees the invite", async () => {
    // The database server refuses the clone: its template does not exist.
    const broken = { ...env, TENANT_TEMPLATE_DATABASE: "no_such_template" };
    const pending: Promise<unknown>[] = [];
    const ctx = createContext({ env: broken, requestId: "test-async-broken", waitUntil: (p) => pending.push(p) });
    const { startSignupWithInvite } = await import("../src/modules/auth/service");
    const inv = await createInvite();
    const started = await startSignupWithInvite({ ctx, input: { invite_code: inv.code, password: "correct horse battery" } });
    await Promise.all(pending);
    await ctx.connections.close();

    const events = await readSse(await raw(started.stream_url));
    expect(events.at(-1)?.data).toMatchObject({ status: "FAILED", error_message: expect.stringMatching(/could not be created/) });
    const invite = await call("GET", `/api/v1/auth/stripe-invite/${inv.code}`);
    expect(invite.body.status).toBe("pending");
    const noUser = await withControl((db) => db.select().from(users).where(eq(users.email, inv.email)));
    expect(noUser).toHaveLength(0);
  });

  it("refuses bad async requests before starting a job, and unknown job streams", async () => {
    expect(
      (
        await call("POST", "/api/v1/auth/signup/stripe-invite/async", {
          body: { invite_code: "inv_unknown_code", password: "correct horse battery" },
        })
      ).status,
    ).toBe(404);
    expect((await raw(`/api/v1/auth/signup/jobs/${crypto.randomUUID()}/stream`)).status).toBe(404);
    expect((await raw("/api/v1/auth/signup/jobs/not-a-job/stream")).status).toBe(404);
    const taken = await signup();
    const inv = await createInvite({ email: taken.email });
    const r = await call("POST", "/api/v1/auth/signup/stripe-invite/async", {
      body: { invite_code: inv.code, password: "correct horse battery" },
    });
    expect(r.status).toBe(409);
    expect((await call("GET", `/api/v1/auth/stripe-invite/${inv.code}`)).body.status).toBe("pending");
  });
});
