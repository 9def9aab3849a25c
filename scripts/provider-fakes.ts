// Local fakes of the integration providers Atrium calls, for `npm run dev` and the tests: the
// real paths under each real host (`http://127.0.0.1:54332/slack.com/api/oauth.v2.access`; the
// Worker's INTEGRATION_PROVIDER_URL points here), real JSON shapes, real error shapes and real
// pagination — Shopify's Link header with page_info cursors, Meta's paging.cursors.after (with
// `next` only when there is another page), Slack's response_metadata.next_cursor.
//
// OAuth (authorisation code, PKCE S256 checked where the provider supports it, refresh, revoke)
// for Slack, Google, Meta, Shopify, HubSpot and Atlassian. The authorize endpoints approve at
// once: they redirect to redirect_uri with code and state, as after the user clicked "Allow".
//
// Test controls: POST /__fake/faults {match, status, body?, headers?, delay?, times?, after?}
// answers the next `times` requests whose host+path contains `match` (after letting `after`
// through) with that status (and headers), after `delay` ms; without a status the request is
// only delayed, then answered as usual; POST /__fake/refuse-refresh {provider, refuse} makes refresh grants fail the provider's
// way; GET /__fake/calls?match= lists the requests received (method, path, query).
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** OAuth apps the fakes accept: the development values of wrangler.toml. */
export const FAKE_CLIENTS: Record<string, { id: string; secret: string }> = {
  slack: { id: "dev-slack-client", secret: "dev-slack-secret" },
  google: { id: "dev-google-client.apps.googleusercontent.com", secret: "dev-google-secret" },
  meta: { id: "1000000000001", secret: "dev-meta-secret" },
  shopify: { id: "dev-shopify-client", secret: "dev-shopify-secret" },
  hubspot: { id: "dev-hubspot-client", secret: "dev-hubspot-secret" },
  atlassian: { id: "dev-atlassian-client", secret: "dev-atlassian-secret" },
};

const SHOPIFY_VERSION = "2024-07";
const META_VERSION = "v19.0";

interface Grant {
  provider: string;
  clientId: string;
  redirectUri: string;
  challenge: string | null;
  scope: string;
  shop: string | null;
}
interface Token {
  provider: string;
  expiresAt: number | null;
  revoked: boolean;
  shop: string | null;
}
interface Fault {
  match: string;
  /** 0: only delay the request. */
  status: number;
  body: unknown;
  headers: Record<string, string>;
  delay: number;
  times: number;
  after: number;
}
export interface FakeCall {
  method: string;
  path: string;
  query: Record<string, string>;
  at: number;
}

const rand = (n = 18) => randomBytes(n).toString("base64url");
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
const unb64 = <T>(s: string): T | null => {
  try {
    return JSON.parse(Buffer.from(s, "base64url").toString()) as T;
  } catch {
    return null;
  }
};
const iso = (i: number) => new Date(Date.UTC(2026, 0, 1 + i, 12, 0, 0)).toISOString().replace(".000Z", "-05:00").replace("T17", "T12");

// ---- deterministic data sets -------------------------------------------------------------------

const SHOPIFY_DATA: Record<string, Record<string, unknown>[]> = {
  orders: Array.from({ length: 12 }, (_, i) => ({
    id: 5_000_000_001 + i,
    name: `#${1001 + i}`,
    email: `buyer${i + 1}@example.com`,
    created_at: iso(i),
    updated_at: iso(i + 1),
    total_price: (19.99 + i * 10).toFixed(2),
    subtotal_price: (17.99 + i * 10).toFixed(2),
    currency: "USD",
    financial_status: i % 3 === 0 ? "pending" : "paid",
    fulfillment_status: null,
    line_items: [{ id: 9_000 + i, title: "Widget", quantity: 1 }],
  })),
  customers: Array.from({ length: 5 }, (_, i) => ({
    id: 7_000_000_001 + i,
    email: `customer${i + 1}@example.com`,
    first_name: ["Ada", "Grace", "Alan", "Edsger", "Barbara"][i],
    last_name: ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov"][i],
    orders_count: i + 1,
    total_spent: (100 * (i + 1)).toFixed(2),
    state: "enabled",
    created_at: iso(i),
    updated_at: iso(i + 2),
  })),
  products: Array.from({ length: 4 }, (_, i) => ({
    id: 8_000_000_001 + i,
    title: ["Widget", "Gadget", "Gizmo", "Doohickey"][i],
    vendor: "Acme",
    product_type: "Tools",
    status: i === 3 ? "draft" : "active",
    handle: ["widget", "gadget", "gizmo", "doohickey"][i],
    created_at: iso(i),
    updated_at: iso(i + 3),
  })),
};

const META_DATA: Record<string, Record<string, unknown>[]> = {
  campaigns: Array.from({ length: 7 }, (_, i) => ({
    id: `2385000000000${i + 1}`,
    name: `Campaign ${i + 1}`,
    status: i % 2 ? "PAUSED" : "ACTIVE",
    objective: "OUTCOME_SALES",
    daily_budget: String(1000 * (i + 1)),
    lifetime_budget: "0",
    created_time: `2026-01-0${(i % 9) + 1}T10:00:00+0000`,
    updated_time: `2026-02-0${(i % 9) + 1}T10:00:00+0000`,
    start_time: `2026-01-0${(i % 9) + 1}T10:00:00+0000`,
    stop_time: null,
  })),
  adsets: Array.from({ length: 3 }, (_, i) => ({
    id: `2386000000000${i + 1}`,
    name: `Ad set ${i + 1}`,
    status: "ACTIVE",
    campaign_id: "23850000000001",
    daily_budget: "500",
    optimization_goal: "OFFSITE_CONVERSIONS",
    created_time: "2026-01-02T10:00:00+0000",
    updated_time: "2026-01-03T10:00:00+0000",
  })),
  ads: Array.from({ length: 3 }, (_, i) => ({
    id: `2387000000000${i + 1}`,
    name: `Ad ${i + 1}`,
    status: "ACTIVE",
    adset_id: "23860000000001",
    campaign_id: "23850000000001",
    created_time: "2026-01-04T10:00:00+0000",
    updated_time: "2026-01-05T10:00:00+0000",
  })),
  insights: [
    {
      impressions: "12000",
      clicks: "340",
      spend: "150.25",
      reach: "9000",
      ctr: "2.833333",
      cpc: "0.441912",
      cpm: "12.520833",
      date_start: "2026-01-01",
      date_stop: "2026-01-30",
      campaign_id: "23850000000001",
      campaign_name: "Campaign 1",
    },
  ],
};

const SLACK_DATA: Record<string, Record<string, unknown>[]> = {
  "conversations.list": Array.from({ length: 5 }, (_, i) => ({
    id: `C0FAKE00${i + 1}`,
    name: ["general", "random", "sales", "support", "eng"][i],
    is_channel: true,
    is_private: false,
    num_members: 3 + i,
    created: 1_767_225_600 + i * 86_400,
    topic: { value: "", creator: "", last_set: 0 },
  })),
  "users.list": Array.from({ length: 4 }, (_, i) => ({
    id: `U0FAKE00${i + 1}`,
    team_id: "T0FAKETEAM",
    name: ["ada", "grace", "alan", "slackbot"][i],
    real_name: ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Slackbot"][i],
    is_bot: i === 3,
    tz: "Europe/London",
  })),
};
const SLACK_KEYS: Record<string, string> = { "conversations.list": "channels", "users.list": "members" };

// ---- server ------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let d = "";
    req.on("data", (c) => {
      d += c;
    });
    req.on("end", () => resolve(d));
    req.on("error", reject);
  });
}

function params(req: IncomingMessage, raw: string, query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(query);
  const type = req.headers["content-type"] ?? "";
  if (raw && type.includes("json")) Object.assign(out, JSON.parse(raw));
  else if (raw) Object.assign(out, Object.fromEntries(new URLSearchParams(raw)));
  return out;
}

export function startProviderFakes(port: number): Promise<{ port: number; url: string; server: Server; close(): Promise<void> }> {
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, Token>();
  const refresh = new Map<string, Token>();
  const refuseRefresh = new Set<string>();
  let faults: Fault[] = [];
  const calls: FakeCall[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (status === 204) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  };

  function issue(provider: string, shop: string | null, ttl: number | null, withRefresh: boolean) {
    const prefix: Record<string, string> = {
      slack: "xoxe.xoxb-1-",
      google: "ya29.",
      meta: "EAAB",
      shopify: "shpat_",
      hubspot: "CJ",
      atlassian: "eyJ",
    };
    const access = `${prefix[provider] ?? ""}${rand()}`;
    const t: Token = { provider, expiresAt: ttl ? Date.now() + ttl * 1000 : null, revoked: false, shop };
    tokens.set(access, t);
    let rt: string | null = null;
    if (withRefresh) {
      rt = `${provider === "slack" ? "xoxe-1-" : provider === "google" ? "1//0" : ""}${rand()}`;
      refresh.set(rt, { ...t, expiresAt: null });
    }
    return { access, refresh: rt };
  }

  const valid = (token: string | undefined, provider: string) => {
    const t = token ? tokens.get(token) : undefined;
    return Boolean(t && t.provider === provider && !t.revoked && (t.expiresAt === null || t.expiresAt > Date.now()));
  };
  const bearer = (req: IncomingMessage) => /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];

  function authorize(provider: string, q: URLSearchParams, res: ServerResponse, shop: string | null) {
    const client = FAKE_CLIENTS[provider];
    const redirect = q.get("redirect_uri");
    if (!client || q.get("client_id") !== client.id || !redirect) {
      return send(res, 400, { error: "invalid_request", error_description: "Unknown client_id or missing redirect_uri" });
    }
    const code = rand(12);
    grants.set(code, {
      provider,
      clientId: client.id,
      redirectUri: redirect,
      challenge: q.get("code_challenge"),
      scope: q.get("scope") ?? "",
      shop,
    });
    const to = new URL(redirect);
    to.searchParams.set("code", code);
    if (q.get("state") !== null) to.searchParams.set("state", q.get("state") as string);
    if (shop) {
      to.searchParams.set("shop", shop);
      to.searchParams.set("timestamp", String(Math.floor(Date.now() / 1000)));
    }
    res.writeHead(302, { location: to.toString() });
    res.end();
  }

  /** Checks client and code (and PKCE); returns the grant or an error the caller shapes. */
  function redeem(provider: string, p: Record<string, string>): Grant | string {
    const client = FAKE_CLIENTS[provider];
    if (!client || p.client_id !== client.id) return "invalid_client";
    if (p.client_secret !== client.secret) return "bad_client_secret";
    const g = p.code ? grants.get(p.code) : undefined;
    if (!g || g.provider !== provider) return "invalid_code";
    grants.delete(p.code as string); // codes are single use
    if (provider !== "shopify" && p.redirect_uri !== g.redirectUri) return "bad_redirect_uri";
    if (g.challenge) {
      const v = p.code_verifier ?? "";
      if (createHash("sha256").update(v).digest("base64url") !== g.challenge) return "invalid_code_verifier";
    }
    return g;
  }

  function refreshGrant(provider: string, p: Record<string, string>): { access: string; refresh: string | null } | string {
    const client = FAKE_CLIENTS[provider];
    if (!client || p.client_id !== client.id || p.client_secret !== client.secret) return "invalid_client";
    const old = p.refresh_token ? refresh.get(p.refresh_token) : undefined;
    if (refuseRefresh.has(provider) || !old || old.revoked || old.provider !== provider) return "invalid_grant";
    // Rotation (Slack, Atlassian, HubSpot): the old refresh token is spent. Google keeps it.
    if (provider !== "google") refresh.delete(p.refresh_token as string);
    const ttl = provider === "slack" ? 43_200 : provider === "hubspot" ? 1800 : 3599;
    const t = issue(provider, old.shop, ttl, provider !== "google");
    return { access: t.access, refresh: t.refresh ?? (p.refresh_token as string) };
  }

  function paginate<T>(list: T[], offset: number, limit: number) {
    const page = list.slice(offset, offset + limit);
    const next = offset + limit < list.length ? offset + limit : null;
    return { page, next };
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL) {
    const method = req.method ?? "GET";
    const raw = method === "GET" || method === "DELETE" ? "" : await readBody(req);
    const p = params(req, raw, url.searchParams);
    const segs = url.pathname.split("/").filter(Boolean);
    const host = segs[0] ?? "";
    const path = `/${segs.slice(1).join("/")}`;

    // ---- Slack ----
    if (host === "slack.com") {
      if (path === "/oauth/v2/authorize") return authorize("slack", url.searchParams, res, null);
      if (path === "/api/oauth.v2.access") {
        if (p.grant_type === "refresh_token") {
          const r = refreshGrant("slack", p);
          if (typeof r === "string") return send(res, 200, { ok: false, error: r === "invalid_grant" ? "invalid_refresh_token" : r });
          return send(res, 200, { ok: true, access_token: r.access, refresh_token: r.refresh, expires_in: 43_200, token_type: "bot" });
        }
        const g = redeem("slack", p);
        if (typeof g === "string") return send(res, 200, { ok: false, error: g === "invalid_client" ? "invalid_client_id" : g });
        const t = issue("slack", null, 43_200, true);
        return send(res, 200, {
          ok: true,
          app_id: "A0FAKEAPP",
          authed_user: { id: "U0FAKE001" },
          scope: g.scope,
          token_type: "bot",
          access_token: t.access,
          bot_user_id: "U0FAKEBOT",
          refresh_token: t.refresh,
          expires_in: 43_200,
          team: { id: "T0FAKETEAM", name: "Fake Team" },
          enterprise: null,
          is_enterprise_install: false,
        });
      }
      const token = bearer(req) ?? p.token;
      if (path === "/api/auth.revoke") {
        if (!token || !tokens.has(token)) return send(res, 200, { ok: false, error: "invalid_auth" });
        (tokens.get(token) as Token).revoked = true;
        for (const r of refresh.values()) if (r.provider === "slack") r.revoked = true;
        return send(res, 200, { ok: true, revoked: true });
      }
      const method = path.replace("/api/", "");
      const list = SLACK_DATA[method];
      if (list) {
        if (!valid(token, "slack")) return send(res, 200, { ok: false, error: "invalid_auth" });
        const limit = Math.min(Math.max(Number(p.limit) || 100, 1), 1000);
        const offset = p.cursor ? (unb64<{ o: number }>(p.cursor)?.o ?? -1) : 0;
        if (offset < 0) return send(res, 200, { ok: false, error: "invalid_cursor" });
        const { page, next } = paginate(list, offset, limit);
        return send(res, 200, {
          ok: true,
          [SLACK_KEYS[method] as string]: page,
          cache_ts: Math.floor(Date.now() / 1000),
          response_metadata: { next_cursor: next === null ? "" : b64({ o: next }) },
        });
      }
      return send(res, 200, { ok: false, error: "unknown_method" });
    }

    // ---- Google ----
    if (host === "accounts.google.com" && path === "/o/oauth2/v2/auth") return authorize("google", url.searchParams, res, null);
    if (host === "oauth2.googleapis.com" && path === "/token") {
      if (p.grant_type === "refresh_token") {
        const r = refreshGrant("google", p);
        if (typeof r === "string") {
          return send(res, r === "invalid_client" ? 401 : 400, {
            error: r,
            error_description: r === "invalid_grant" ? "Token has been expired or revoked." : "The OAuth client was not found.",
          });
        }
        return send(res, 200, { access_token: r.access, expires_in: 3599, scope: "openid email", token_type: "Bearer" });
      }
      const g = redeem("google", p);
      if (typeof g === "string") {
        const desc =
          g === "invalid_code_verifier" ? "Invalid code verifier." : g === "bad_redirect_uri" ? "Bad Request" : "Malformed auth code.";
        return send(res, g === "invalid_client" || g === "bad_client_secret" ? 401 : 400, {
          error:
            g === "invalid_client" || g === "bad_client_secret"
              ? "invalid_client"
              : g === "bad_redirect_uri"
                ? "redirect_uri_mismatch"
                : "invalid_grant",
          error_description: desc,
        });
      }
      const t = issue("google", null, 3599, true);
      return send(res, 200, { access_token: t.access, expires_in: 3599, refresh_token: t.refresh, scope: g.scope, token_type: "Bearer" });
    }
    if (host === "oauth2.googleapis.com" && path === "/revoke") {
      const t = p.token;
      const known = t ? (tokens.get(t) ?? refresh.get(t)) : undefined;
      if (!known) return send(res, 400, { error: "invalid_token", error_description: "Token expired or revoked" });
      known.revoked = true;
      return send(res, 200, {});
    }
    if (host === "www.googleapis.com" && path === "/oauth2/v3/userinfo") {
      if (!valid(bearer(req), "google")) {
        return send(res, 401, { error: "invalid_request", error_description: "Invalid Credentials" });
      }
      return send(res, 200, { sub: "110000000000000000001", email: "ads-owner@example.com", email_verified: true });
    }

    // ---- Meta ----
    if (host === "www.facebook.com" && path === `/${META_VERSION}/dialog/oauth`) return authorize("meta", url.searchParams, res, null);
    if (host === "graph.facebook.com") {
      const metaError = (status: number, code: number, message: string, type = "OAuthException") =>
        send(res, status, { error: { message, type, code, fbtrace_id: rand(8) } });
      if (path === `/${META_VERSION}/oauth/access_token`) {
        const g = redeem("meta", p);
        if (typeof g === "string") return metaError(400, 100, `Error validating verification code (${g}).`);
        const t = issue("meta", null, 5_183_944, false);
        return send(res, 200, { access_token: t.access, token_type: "bearer", expires_in: 5_183_944 });
      }
      const token = p.access_token ?? bearer(req);
      if (!valid(token, "meta")) return metaError(400, 190, "Invalid OAuth access token - Cannot parse access token");
      if (path === `/${META_VERSION}/me/permissions` && method === "DELETE") {
        (tokens.get(token as string) as Token).revoked = true;
        return send(res, 200, { success: true });
      }
      if (path === `/${META_VERSION}/me`) return send(res, 200, { id: "10000000000042", name: "Fake Advertiser" });
      if (path === `/${META_VERSION}/me/adaccounts`) {
        return send(res, 200, {
          data: [{ id: "act_1234567890", name: "Fake Ad Account" }],
          paging: { cursors: { before: "QVFI", after: "QVFI" } },
        });
      }
      const m = new RegExp(`^/${META_VERSION}/(act_[0-9]+)/(campaigns|adsets|ads|insights)$`).exec(path);
      if (m) {
        const list = META_DATA[m[2] as string] as Record<string, unknown>[];
        const fields = (p.fields ?? "id").split(",").filter(Boolean);
        const unknown = fields.find((f) => !(list[0] && f in list[0]));
        if (unknown) return metaError(400, 100, `(#100) Tried accessing nonexisting field (${unknown})`);
        const limit = Math.min(Math.max(Number(p.limit) || 25, 1), 500);
        const offset = p.after ? (unb64<{ o: number }>(p.after)?.o ?? -1) : 0;
        if (offset < 0) return metaError(400, 100, "(#100) Invalid cursor");
        const { page, next } = paginate(list, offset, limit);
        const data = page.map((o) => Object.fromEntries(fields.map((f) => [f, o[f]])));
        const paging: Record<string, unknown> = {
          cursors: { before: b64({ o: offset }), after: b64({ o: offset + page.length - 1 >= 0 ? offset + page.length : 0 }) },
        };
        if (next !== null) {
          const n = new URL(`https://graph.facebook.com${path}`);
          n.searchParams.set("fields", fields.join(","));
          n.searchParams.set("limit", String(limit));
          n.searchParams.set("after", b64({ o: next }));
          n.searchParams.set("access_token", token as string);
          paging.next = n.toString();
          (paging.cursors as Record<string, string>).after = b64({ o: next });
        }
        return send(res, 200, { data, paging });
      }
      return metaError(400, 100, `Unsupported get request. Object with ID '${segs[2] ?? ""}' does not exist`, "GraphMethodException");
    }

    // ---- Shopify ----
    if (host.endsWith(".myshopify.com")) {
      const shop = host;
      if (path === "/admin/oauth/authorize") return authorize("shopify", url.searchParams, res, shop);
      if (path === "/admin/oauth/access_token") {
        const g = redeem("shopify", p);
        if (typeof g === "string") return send(res, 400, { error: "invalid_request", error_description: `Oauth error ${g}` });
        const t = issue("shopify", shop, null, false);
        return send(res, 200, { access_token: t.access, scope: g.scope });
      }
      const token = req.headers["x-shopify-access-token"] as string | undefined;
      const t = token ? tokens.get(token) : undefined;
      if (!t || t.revoked || t.provider !== "shopify" || (t.shop !== null && t.shop !== shop)) {
        return send(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
      }
      if (path === "/admin/api_permissions/current.json" && method === "DELETE") {
        t.revoked = true;
        return send(res, 200, {});
      }
      if (path === `/admin/api/${SHOPIFY_VERSION}/shop.json`) {
        return send(res, 200, {
          shop: {
            id: 60_000_001,
            name: shop.split(".")[0]?.replace(/-/g, " "),
            myshopify_domain: shop,
            email: `owner@${shop}`,
            currency: "USD",
          },
        });
      }
      const m = new RegExp(`^/admin/api/${SHOPIFY_VERSION}/(orders|customers|products)\\.json$`).exec(path);
      if (m) {
        const entity = m[1] as string;
        const limitRaw = p.limit ? Number(p.limit) : 50;
        if (!Number.isInteger(limitRaw) || limitRaw < 1 || limitRaw > 250)
          return send(res, 400, { errors: { limit: ["must be between 1 and 250"] } });
        let filters: Record<string, string> = {};
        let offset = 0;
        if (p.page_info) {
          const extra = Object.keys(p).filter((k) => !["page_info", "limit", "fields"].includes(k));
          if (extra.length) return send(res, 400, { errors: { page_info: `page_info cannot be used with ${extra.join(", ")}` } });
          const c = unb64<{ o: number; f: Record<string, string> }>(p.page_info);
          if (!c) return send(res, 400, { errors: { page_info: "Invalid value." } });
          offset = c.o;
          filters = c.f;
        } else {
          filters = Object.fromEntries(
            Object.entries(p).filter(([k]) =>
              ["status", "created_at_min", "created_at_max", "updated_at_min", "updated_at_max", "since_id"].includes(k),
            ),
          );
        }
        let list = SHOPIFY_DATA[entity] as Record<string, unknown>[];
        if (filters.since_id) list = list.filter((o) => Number(o.id) > Number(filters.since_id));
        if (filters.created_at_min)
          list = list.filter((o) => Date.parse(String(o.created_at)) >= Date.parse(filters.created_at_min as string));
        if (filters.created_at_max)
          list = list.filter((o) => Date.parse(String(o.created_at)) <= Date.parse(filters.created_at_max as string));
        if (filters.status && filters.status !== "any" && entity === "products") list = list.filter((o) => o.status === filters.status);
        const { page, next } = paginate(list, offset, limitRaw);
        const fields = p.fields ? p.fields.split(",") : null;
        const rows = page.map((o) => (fields ? Object.fromEntries(fields.filter((f) => f in o).map((f) => [f, o[f]])) : o));
        const links: string[] = [];
        const link = (o: number, rel: string) => {
          const u = new URL(`https://${shop}${path}`);
          u.searchParams.set("limit", String(limitRaw));
          if (p.fields) u.searchParams.set("fields", p.fields);
          u.searchParams.set("page_info", b64({ o, f: filters }));
          links.push(`<${u.toString()}>; rel="${rel}"`);
        };
        if (offset > 0) link(Math.max(0, offset - limitRaw), "previous");
        if (next !== null) link(next, "next");
        return send(res, 200, { [entity]: rows }, links.length ? { link: links.join(", ") } : {});
      }
      return send(res, 404, { errors: "Not Found" });
    }

    // ---- HubSpot ----
    if (host === "app.hubspot.com" && path === "/oauth/authorize") return authorize("hubspot", url.searchParams, res, null);
    if (host === "api.hubapi.com") {
      if (path === "/oauth/v1/token") {
        const r = p.grant_type === "refresh_token" ? refreshGrant("hubspot", p) : redeem("hubspot", p);
        if (typeof r === "string") return send(res, 400, { status: "BAD_AUTH_CODE", message: `${r}`, correlationId: rand(8) });
        if ("access" in r)
          return send(res, 200, { token_type: "bearer", refresh_token: r.refresh, access_token: r.access, expires_in: 1800 });
        const t = issue("hubspot", null, 1800, true);
        return send(res, 200, { token_type: "bearer", refresh_token: t.refresh, access_token: t.access, expires_in: 1800 });
      }
      const at = /^\/oauth\/v1\/access-tokens\/(.+)$/.exec(path);
      if (at) {
        if (!valid(decodeURIComponent(at[1] as string), "hubspot")) return send(res, 404, { status: "error", message: "Token not found" });
        return send(res, 200, {
          hub_id: 4_400_001,
          hub_domain: "fake.hubspot.com",
          user: "owner@example.com",
          scopes: ["crm.objects.contacts.read"],
        });
      }
      const rt = /^\/oauth\/v1\/refresh-tokens\/(.+)$/.exec(path);
      if (rt && method === "DELETE") {
        const r = refresh.get(decodeURIComponent(rt[1] as string));
        if (!r) return send(res, 404, { status: "error", message: "Refresh token not found" });
        r.revoked = true;
        return send(res, 204, null);
      }
    }

    // ---- Atlassian ----
    if (host === "auth.atlassian.com") {
      if (path === "/authorize") return authorize("atlassian", url.searchParams, res, null);
      if (path === "/oauth/token") {
        const r = p.grant_type === "refresh_token" ? refreshGrant("atlassian", p) : redeem("atlassian", p);
        if (typeof r === "string")
          return send(res, 403, { error: r === "invalid_grant" ? "invalid_grant" : "access_denied", error_description: r });
        if ("access" in r)
          return send(res, 200, {
            access_token: r.access,
            refresh_token: r.refresh,
            expires_in: 3600,
            token_type: "Bearer",
            scope: "read:jira-work offline_access",
          });
        const t = issue("atlassian", null, 3600, true);
        return send(res, 200, { access_token: t.access, refresh_token: t.refresh, expires_in: 3600, token_type: "Bearer", scope: r.scope });
      }
    }
    if (host === "api.atlassian.com" && path === "/oauth/token/accessible-resources") {
      if (!valid(bearer(req), "atlassian")) return send(res, 401, { code: 401, message: "Unauthorized" });
      return send(res, 200, [
        {
          id: "1324a887-45db-1bf4-1e99-ef0ff456d421",
          name: "fake-site",
          url: "https://fake-site.atlassian.net",
          scopes: ["read:jira-work"],
        },
      ]);
    }
    return send(res, 404, { error: "not_found", error_description: `No fake for ${method} ${host}${path}` });
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    try {
      if (url.pathname.startsWith("/__fake/")) {
        const body = req.method === "POST" ? JSON.parse((await readBody(req)) || "{}") : {};
        if (url.pathname === "/__fake/faults") {
          faults.push({
            match: String(body.match),
            status: Number(body.status ?? 0),
            body: body.body ?? { error: "injected" },
            headers: (body.headers as Record<string, string> | undefined) ?? {},
            delay: Number(body.delay ?? 0),
            times: Number(body.times ?? 1),
            after: Number(body.after ?? 0),
          });
          return send(res, 200, { ok: true });
        }
        if (url.pathname === "/__fake/refuse-refresh") {
          if (body.refuse === false) refuseRefresh.delete(String(body.provider));
          else refuseRefresh.add(String(body.provider));
          return send(res, 200, { ok: true });
        }
        if (url.pathname === "/__fake/calls") {
          const match = url.searchParams.get("match") ?? "";
          return send(
            res,
            200,
            calls.filter((c) => c.path.includes(match)),
          );
        }
        if (url.pathname === "/__fake/reset") {
          faults = [];
          refuseRefresh.clear();
          calls.length = 0;
          return send(res, 200, { ok: true });
        }
        return send(res, 404, { error: "unknown control" });
      }
      calls.push({ method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), at: Date.now() });
      if (calls.length > 5000) calls.splice(0, calls.length - 5000);
      let hit: Fault | undefined;
      for (const f of faults) {
        if (f.times <= 0 || !url.pathname.includes(f.match)) continue;
        if (f.after > 0) {
          f.after--;
          continue;
        }
        f.times--;
        hit = f;
        break;
      }
      faults = faults.filter((f) => f.times > 0);
      if (hit?.delay) await new Promise((r) => setTimeout(r, hit.delay));
      if (hit?.status) return send(res, hit.status, hit.body, hit.headers);
      await route(req, res, url);
    } catch (e) {
      if (!res.headersSent) send(res, 500, { error: "fake_error", error_description: String(e) });
      else res.destroy();
    }
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address();
      const actual = typeof addr === "object" && addr ? addr.port : port;
      resolve({
        port: actual,
        url: `http://127.0.0.1:${actual}`,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    }),
  );
}
