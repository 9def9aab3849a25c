import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { idempotencyKeys } from "../src/platform/idempotency/tables";
import { workspaces } from "../src/platform/identity/tables";
import { call, signup, uniqueEmail, withControl } from "./harness";

const countByName = (name: string) => withControl((db) => db.$count(workspaces, eq(workspaces.name, name)));

describe("Idempotency-Key on POST", () => {
  it("replays the stored response for the same key and body, once in effect", async () => {
    const a = await signup();
    const key = crypto.randomUUID();
    const name = `Idem ${key}`;
    const first = await call("POST", "/api/v1/workspaces", { token: a.token, body: { name }, headers: { "idempotency-key": key } });
    expect(first.status).toBe(201);
    const second = await call("POST", "/api/v1/workspaces", { token: a.token, body: { name }, headers: { "idempotency-key": key } });
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await countByName(name)).toBe(1);

    const other = await call("POST", "/api/v1/workspaces", {
      token: a.token,
      body: { name: `${name} 2` },
      headers: { "idempotency-key": key },
    });
    expect(other.status).toBe(422);
    expect(other.body.detail[0].loc).toEqual(["header", "idempotency-key"]);

    // Stored encrypted: nothing of the response is readable at rest.
    const rows = await withControl((db) => db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)));
    expect(rows[0]?.responseBody).toMatch(/^v1\./);
    expect(rows[0]?.responseBody).not.toContain(first.body.id);
  });

  it("lets concurrent requests with one key have one effect", async () => {
    const a = await signup();
    const key = crypto.randomUUID();
    const name = `Race ${key}`;
    const results = await Promise.all(
      [1, 2, 3].map(() => call("POST", "/api/v1/workspaces", { token: a.token, body: { name }, headers: { "idempotency-key": key } })),
    );
    for (const r of results) expect([201, 409]).toContain(r.status);
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    expect(await countByName(name)).toBe(1);
  });

  it("scopes keys per caller, frees keys after failures, and validates the header", async () => {
    const [a, b] = await Promise.all([signup(), signup()]);
    const key = crypto.randomUUID();
    const ra = await call("POST", "/api/v1/workspaces", {
      token: a.token,
      body: { name: `A ${key}` },
      headers: { "idempotency-key": key },
    });
    const rb = await call("POST", "/api/v1/workspaces", {
      token: b.token,
      body: { name: `B ${key}` },
      headers: { "idempotency-key": key },
    });
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(rb.body.id).not.toBe(ra.body.id);

    // A 4xx is a result like any other and is replayed; the same key and body give the same answer.
    const email = uniqueEmail("idem");
    const bad = { email, password: "short" };
    const k2 = crypto.randomUUID();
    const r1 = await call("POST", "/api/v1/auth/register", { body: bad, headers: { "idempotency-key": k2 } });
    const r2 = await call("POST", "/api/v1/auth/register", { body: bad, headers: { "idempotency-key": k2 } });
    expect(r1.status).toBe(422);
    expect(r2.status).toBe(422);
    expect(r2.headers.get("idempotent-replayed")).toBe("true");

    expect(
      (await call("POST", "/api/v1/workspaces", { token: a.token, body: { name: "x" }, headers: { "idempotency-key": "bad key!" } }))
        .status,
    ).toBe(422);
  });
});
