import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { idempotencyKeys } from "../src/platform/idempotency/tables";
import { workspaces } from "../src/platform/identity/tables";
import { call, raw, signup, uniqueEmail, withControl } from "./harness";

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
    const k2 = crypto.randomUUID();
    const r1 = await call("POST", "/api/v1/workspaces", { token: a.token, body: { name: "" }, headers: { "idempotency-key": k2 } });
    const r2 = await call("POST", "/api/v1/workspaces", { token: a.token, body: { name: "" }, headers: { "idempotency-key": k2 } });
    expect(r1.status).toBe(422);
    expect(r2.status).toBe(422);
    expect(r2.headers.get("idempotent-replayed")).toBe("true");

    expect(
      (await call("POST", "/api/v1/workspaces", { token: a.token, body: { name: "x" }, headers: { "idempotency-key": "bad key!" } }))
        .status,
    ).toBe(422);
  });

  it("ignores the key on anonymous routes: nothing stored, nothing replayed, nothing buffered before sign-in", async () => {
    const email = uniqueEmail("idem");
    const key = `anon-${crypto.randomUUID()}`;
    const login = () =>
      call("POST", "/api/v1/auth/login", { body: { email, password: "wrong password" }, headers: { "idempotency-key": key } });
    const [r1, r2] = [await login(), await login()];
    expect(r1.status).toBe(401);
    expect(r2.status).toBe(401);
    expect(r2.headers.get("idempotent-replayed")).toBeNull();
    const rows = await withControl((db) => db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)));
    expect(rows).toHaveLength(0);

    // An unauthenticated upload with a key is refused before its body is read.
    const big = new Uint8Array(2 * 1024 * 1024);
    const upload = await raw("/api/v1/recordsets/import/upload", {
      method: "POST",
      headers: { "idempotency-key": key, "content-type": "multipart/form-data; boundary=x" },
      body: new ReadableStream({
        start(c) {
          c.enqueue(big);
          c.close();
        },
      }),
      // @ts-expect-error workerd accepts duplex for streamed request bodies
      duplex: "half",
    });
    expect(upload.status).toBe(401);
    expect(await withControl((db) => db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key)))).toHaveLength(0);
  });

  it("keeps a signed-in streamed upload streaming: the key covers type and length, not a buffered body", async () => {
    const a = await signup();
    const key = `up-${crypto.randomUUID()}`;
    const csv = "name,city\nAda,London\n";
    const send = () => {
      const form = new FormData();
      form.append("file", new File([csv], "people.csv", { type: "text/csv" }));
      return raw("/api/v1/recordsets/import/upload", {
        method: "POST",
        headers: { authorization: `Bearer ${a.token}`, "x-workspace-id": a.workspaceId, "idempotency-key": key },
        body: form,
      });
    };
    const first = await send();
    expect(first.status).toBe(200);
    const second = await send();
    expect(second.status).toBe(200);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(await first.json());
  });
});
