// The shared security suite: every authenticated route gets the same four checks.
// Later modules call `describeSecurity` with their routes; `describeAnonymousLimits` covers
// every route that needs no credentials, and `expectNoSessionFor` is the takeover check.
import { decodeJwt, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { call, env, randomIp, type SignedUp, signup } from "./harness";

export interface SecuredRoute {
  method: string;
  /** Path; `{ws}` is replaced by the victim's workspace id. */
  path: string;
  body?: unknown;
  /** Whether the route acts inside a workspace (X-Workspace-Id). */
  workspace?: boolean;
}

const key = () => new TextEncoder().encode(env.JWT_SECRET);

async function forge(claims: Record<string, unknown>, opts: { secret?: Uint8Array; exp?: number; alg?: string } = {}) {
  return new SignJWT({ type: "access", email: "x@example.com", ...claims })
    .setProtectedHeader({ alg: opts.alg ?? "HS256" })
    .setIssuer("atrium")
    .setAudience("atrium-api")
    .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(opts.secret ?? key());
}

function unsignedToken(sub: string): string {
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub, type: "access", iss: "atrium", aud: "atrium-api", iat: now, exp: now + 600 })}.`;
}

export function describeSecurity(name: string, routes: SecuredRoute[]) {
  describe(`security: ${name}`, () => {
    let victim: SignedUp;
    let outsider: SignedUp;
    beforeAll(async () => {
      [victim, outsider] = await Promise.all([signup(), signup()]);
    });

    const path = (r: SecuredRoute) => r.path.replace("{ws}", victim.workspaceId);
    const send = (r: SecuredRoute, token: string | undefined, workspace?: string) =>
      call(r.method, path(r), { token, workspace: workspace ?? (r.workspace ? victim.workspaceId : undefined), body: r.body });

    for (const r of routes) {
      const label = `${r.method} ${r.path}`;
      it(`${label}: no token → 401`, async () => {
        const res = await send(r, undefined);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ code: "unauthorized" });
        expect(typeof res.body.request_id).toBe("string");
      });
      it(`${label}: bad tokens → 401 (garbage, wrong key, alg none, expired)`, async () => {
        const sub = victim.userId;
        const wrongKey = await forge({ sub }, { secret: new TextEncoder().encode("not-the-real-secret-0123456789abcdef") });
        const expired = await forge({ sub }, { exp: Math.floor(Date.now() / 1000) - 60 });
        for (const [token, code] of [
          ["garbage.token.here", "invalid_token"],
          [wrongKey, "invalid_token"],
          [unsignedToken(sub), "invalid_token"],
          [expired, "token_expired"],
        ] as const) {
          const res = await send(r, token);
          expect(res.status, token).toBe(401);
          expect(res.body.code).toBe(code);
        }
      });
      if (r.workspace) {
        it(`${label}: another workspace → 404`, async () => {
          const res = await send(r, outsider.token, victim.workspaceId);
          expect(res.status).toBe(404);
          expect(res.body.code).toBe("not_found");
        });
        it(`${label}: missing X-Workspace-Id → 422`, async () => {
          const res = await call(r.method, path(r), { token: victim.token, body: r.body });
          expect(res.status).toBe(422);
          expect(res.body.detail[0].loc).toEqual(["header", "x-workspace-id"]);
        });
      }
    }
  });
}

/** Fails if `body` holds a session: for `userId`, or any session at all when `userId` is "". */
export function expectNoSessionFor(body: unknown, userId: string) {
  const seen: string[] = [];
  const walk = (v: unknown, key = "") => {
    if (typeof v === "string") {
      if (key === "access_token" || key === "refresh_token") {
        if (!userId) seen.push(key);
        else if (key === "access_token" && decodeJwt(v).sub === userId) seen.push(key);
      }
      return;
    }
    if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(body);
  expect(seen, `a session leaked: ${JSON.stringify(body)}`).toEqual([]);
}

/** A request for each operation of the OpenAPI document without required security. */
async function anonymousOperations() {
  const doc = (await call("GET", "/openapi.json")).body as {
    paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  };
  const out: { method: string; path: string }[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const open = !op.security || op.security.length === 0 || op.security.some((s) => Object.keys(s).length === 0);
      if (open) out.push({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000") });
    }
  }
  return out;
}

/**
 * Every anonymous operation is rate limited per client IP (X-RateLimit-* on its answers), and
 * one address that exhausts a policy gets 429 with Retry-After while another address does not.
 */
export function describeAnonymousLimits() {
  describe("security: anonymous routes are rate limited per client IP", () => {
    it("every operation without required credentials answers with X-RateLimit-* headers", async () => {
      const ops = await anonymousOperations();
      expect(ops.length).toBeGreaterThan(15);
      const missing: string[] = [];
      for (const op of ops) {
        const r = await call(op.method, op.path, {
          headers: { "cf-connecting-ip": randomIp() },
          ...(op.method === "GET" || op.method === "HEAD" ? {} : { body: {} }),
        });
        await r.response.body?.cancel().catch(() => {});
        if (!r.headers.get("x-ratelimit-limit")) missing.push(`${op.method} ${op.path} → ${r.status}`);
      }
      expect(missing).toEqual([]);
    });

    it("signups: the sixth back-to-back from one address is a 429 (each provisions a database); another address is served", async () => {
      const ip = randomIp();
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 6; i++) {
        last = await call("POST", "/api/v1/auth/signup", { body: {}, headers: { "cf-connecting-ip": ip } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
      expect((last?.body as { code?: string } | undefined)?.code).toBe("rate_limited");
      expect(Number(last?.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await call("POST", "/api/v1/auth/signup", { body: {}, headers: { "cf-connecting-ip": randomIp() } })).status).toBe(422);
    });

    it("logins: one address hammering sign-in is cut off with 429 and Retry-After", async () => {
      const ip = randomIp();
      let r: Awaited<ReturnType<typeof call>> | undefined;
      for (let i = 0; i < 40; i++) {
        r = await call("POST", "/api/v1/auth/login", {
          body: { email: `nobody.${i}@example.com`, password: "wrong password" },
          headers: { "cf-connecting-ip": ip },
        });
        if (r.status === 429) break;
      }
      expect(r?.status).toBe(429);
      expect(Number(r?.headers.get("retry-after"))).toBeGreaterThan(0);
    });
  });
}
