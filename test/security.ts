// The shared security suite: every authenticated route gets the same four checks.
// Later modules call `describeSecurity` with their routes.
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { call, env, type SignedUp, signup } from "./harness";

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
