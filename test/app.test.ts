import { describe, expect, it } from "vitest";
import { call, raw } from "./harness";

// The Authentication group of the platform seed (../shared/spec/endpoints.tsv), as served.
const AUTH_ENDPOINTS = [
  "GET /api/v1/auth/activate/validate",
  "GET /api/v1/auth/me",
  "GET /api/v1/auth/signup/jobs/{job_id}/stream",
  "GET /api/v1/auth/stripe-invite/{invite_code}",
  "GET /api/v1/auth/{user_id}",
  "POST /api/v1/auth/activate",
  "POST /api/v1/auth/activate/resend",
  "POST /api/v1/auth/clerk/check",
  "POST /api/v1/auth/impersonation/exchange",
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/logout",
  "POST /api/v1/auth/lookup-invite",
  "POST /api/v1/auth/me/avatar",
  "POST /api/v1/auth/refresh",
  "POST /api/v1/auth/register",
  "POST /api/v1/auth/request-password-reset",
  "POST /api/v1/auth/reset-password",
  "POST /api/v1/auth/signup",
  "POST /api/v1/auth/signup/stripe-invite",
  "POST /api/v1/auth/signup/stripe-invite/async",
  "POST /api/v1/auth/{user_id}/avatar",
  "PUT /api/v1/auth/me",
  "PUT /api/v1/auth/{user_id}",
];

describe("app", () => {
  it("reports health after checking the control database", async () => {
    const r = await call("GET", "/health");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", database: "ok" });
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });

  it("serves an OpenAPI 3.1 document with every auth endpoint, each listing its errors", async () => {
    const r = await call("GET", "/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    const served = new Set<string>();
    for (const [path, ops] of Object.entries(r.body.paths as Record<string, Record<string, { responses: object }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        served.add(`${method.toUpperCase()} ${path}`);
        if (path.startsWith("/api/")) expect(Object.keys(op.responses), `${method} ${path}`).toContain("422");
      }
    }
    for (const e of AUTH_ENDPOINTS) expect(served, e).toContain(e);
    // The contract generated clients rely on (redocly's recommended rules): a unique operationId
    // on every operation, and security on every one (`[]` where it is public).
    type Op = { operationId?: string; security?: Record<string, string[]>[] };
    const ops = Object.entries(r.body.paths as Record<string, Record<string, Op>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    const ids = ops.map((o) => o.op.operationId);
    for (const { path, method, op } of ops) {
      expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z]+[A-Z][A-Za-z0-9]*$/);
      expect(Array.isArray(op.security), `${method} ${path} security`).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
    const op = (method: string, path: string) => ops.find((o) => o.method === method && o.path === path)?.op;
    expect(op("get", "/api/v1/channels/{channel_slug}/messages")?.operationId).toBe("getChannelsByChannelSlugMessages");
    for (const pub of [op("post", "/api/v1/auth/login"), op("post", "/api/v1/auth/signup"), op("get", "/health")])
      expect(pub?.security).toEqual([]);
    expect(op("get", "/api/v1/members/me")?.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    expect(r.body.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(r.body.components.schemas.Error).toBeTruthy();
    // Built once per isolate; the second answer is the same document for the caller's origin.
    const again = await raw("/openapi.json");
    const body = (await again.json()) as typeof r.body;
    expect(body.paths).toEqual(r.body.paths);
    expect(body.servers).toEqual([{ url: "http://atrium.test" }]);
  });

  it("serves the interactive API reference from its own assets, no third-party host (offline)", async () => {
    const r = await raw("/docs");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/text\/html/);
    const csp = r.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    const html = await r.text();
    expect(html).not.toMatch(/https?:\/\//);
    const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(files.sort()).toEqual(["/docs/init.js", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css"]);
    for (const f of files) {
      const a = await raw(f);
      expect(a.status, f).toBe(200);
      expect(a.headers.get("content-type")).toMatch(f.endsWith(".css") ? /text\/css/ : /javascript/);
      expect(a.headers.get("cache-control")).toBe("public, max-age=3600");
      const text = await a.text();
      if (f.endsWith("init.js")) {
        expect(text).toContain('url: "/openapi.json"');
        expect(text).toContain("validatorUrl: null");
      } else expect(text.length).toBeGreaterThan(100_000);
    }
    // A conditional request gets a 304 (the assets' ETag).
    const first = await raw("/docs/init.js");
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    expect((await raw("/docs/init.js", { headers: { "if-none-match": etag as string } })).status).toBe(304);
    // Only those files: no path into the rest of the assets (the gazetteer is not public).
    for (const p of ["/docs/..%2Fgeo%2Fus-zips.tsv", "/docs/package.json", "/geo/us-zips.tsv", "/docs/swagger-ui-bundle.js.map"]) {
      const nf = await raw(p);
      expect(nf.status, p).toBe(404);
    }
  });

  it("answers unknown paths with a JSON 404 and wrong methods with 405 + Allow", async () => {
    const nf = await call("GET", "/api/v1/nothing-here");
    expect(nf.status).toBe(404);
    expect(nf.body).toMatchObject({ code: "not_found", detail: "Not found" });
    expect(nf.body.request_id).toBe(nf.headers.get("x-request-id"));
    const na = await call("DELETE", "/api/v1/workspaces");
    expect(na.status).toBe(405);
    expect(na.headers.get("allow")).toBe("GET, POST");
    expect(na.body.code).toBe("method_not_allowed");
  });

  it("keeps a well-formed incoming request id and answers CORS preflights", async () => {
    const r = await call("GET", "/health", { headers: { "x-request-id": "client-req-12345" } });
    expect(r.headers.get("x-request-id")).toBe("client-req-12345");
    const bad = await call("GET", "/health", { headers: { "x-request-id": "bad id with spaces" } });
    expect(bad.headers.get("x-request-id")).not.toBe("bad id with spaces");
    const pre = await raw("/api/v1/auth/login", {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("reports absent fields as missing whatever their type (FastAPI style)", async () => {
    const { signup } = await import("./harness");
    const a = await signup();
    const r = await call("POST", "/api/v1/modules", { token: a.token, workspace: a.workspaceId, body: {} });
    expect(r.status).toBe(422);
    expect(r.body.detail).toContainEqual({ loc: ["body", "module"], msg: "Field required", type: "missing" });
    const wrong = await call("POST", "/api/v1/modules", { token: a.token, workspace: a.workspaceId, body: { module: "nope" } });
    expect(wrong.body.detail[0]).toMatchObject({ loc: ["body", "module"], type: "invalid_value" });
  });

  it("rejects a wrong content type for JSON bodies with 415", async () => {
    const r = await raw("/api/v1/auth/login", { method: "POST", headers: { "content-type": "text/plain" }, body: "email=a" });
    expect(r.status).toBe(415);
    expect(await r.json()).toMatchObject({ code: "unsupported_media_type" });
  });
});
