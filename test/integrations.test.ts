import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { and, count, eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type QueueMessage, queue } from "../queues";
import { stagedRows } from "../src/modules/integration-records/tables";
import { reapStaleIntegrationRuns } from "../src/modules/integrations/consumer";
import { accessTokenFor } from "../src/modules/integrations/internal";
import { integrationRuns, integrations } from "../src/modules/integrations/tables";
import { notifications } from "../src/modules/notifications/tables";
import { recordsets } from "../src/modules/recordsets/tables";
import { createContext, type ServiceContext } from "../src/platform/context";
import { decryptSecret, encryptSecret } from "../src/platform/crypto";
import type { Db } from "../src/platform/db";
import { outboxEvents } from "../src/platform/events/tables";
import { resolveWorkspaceForSystem } from "../src/platform/tenancy/resolve";
import { call, databaseUrl, env, type Joined, join, raw, readSse, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

type FakeCallT = { method: string; path: string; query: Record<string, string> };

// Integrations, their OAuth flows, sync runs and Data Retrieval, through the real app against the
// provider fakes (scripts/provider-fakes.ts, at env.INTEGRATION_PROVIDER_URL).

const FAKE = () => env.INTEGRATION_PROVIDER_URL as string;
const tenant = <T>(ws: string, f: (db: Db) => Promise<T>) => withDb(databaseUrl(`ws_${ws.replaceAll("-", "")}`), f);
const as = (who: { token: string }, ws: () => string) => (method: string, path: string, body?: unknown) =>
  call(method, path, { token: who.token, workspace: ws(), ...(body !== undefined ? { body } : {}) });
const fake = async (path: string, body?: unknown) => {
  const r = await fetch(`${FAKE()}${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  return r.json() as Promise<any>;
};

let sent: QueueMessage[] = [];
beforeEach(() => {
  sent = [];
  vi.spyOn(env.IMPORTS_QUEUE, "send").mockImplementation(async (m: unknown) => {
    sent.push(m as QueueMessage);
    return undefined as never;
  });
});
afterEach(() => vi.restoreAllMocks());

async function deliver(body: QueueMessage, attempts = 1) {
  const id = `m-${crypto.randomUUID()}`;
  const batch = createMessageBatch("atrium-imports", [{ id, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await queue(batch as never, env, ctx);
  const r = (await getQueueResult(batch, ctx)) as unknown as { explicitAcks: string[]; retryMessages: { msgId: string }[] };
  return { acked: r.explicitAcks.includes(id), retried: r.retryMessages.some((m) => m.msgId === id) };
}
/** Delivers the queued sync messages (and their continuations) until none is left. */
async function drain() {
  for (let i = 0; i < 50 && sent.length; i++) {
    const r = await deliver(sent.shift() as QueueMessage);
    expect(r.acked).toBe(true);
  }
}

/** Plays the user's browser at the provider: follows the authorization URL to the redirect. */
async function approve(authorizationUrl: string): Promise<URL> {
  expect(authorizationUrl.startsWith(FAKE())).toBe(true);
  const r = await fetch(authorizationUrl, { redirect: "manual" });
  expect(r.status).toBe(302);
  return new URL(r.headers.get("location") as string);
}

/** Every token the workspace stores, decrypted: none may appear in any response. */
async function storedTokens(ws: string): Promise<string[]> {
  const rows = await tenant(ws, (db) => db.select().from(integrations));
  const out: string[] = [];
  for (const r of rows) {
    for (const c of [r.accessTokenEncrypted, r.refreshTokenEncrypted]) {
      if (c) {
        expect(c.startsWith("v1.")).toBe(true);
        out.push(await decryptSecret(env.ENCRYPTION_KEY, c));
      }
    }
  }
  return out;
}
/** Domain events of `type` in the workspace's outbox about integration `id` (what webhooks send). */
const eventsAbout = async (type: string, id: string) =>
  (await tenant(ws(), (db) => db.select().from(outboxEvents).where(eq(outboxEvents.type, type)))).filter(
    (e) => (e.data as { integration: { id: string } }).integration.id === id,
  );

const seen: string[] = [];
const remember = <T extends { body: unknown }>(r: T) => {
  seen.push(JSON.stringify(r.body));
  return r;
};

let owner: SignedUp;
let admin: Joined;
let viewer: Joined;
let outsider: SignedUp;
const ws = () => owner.workspaceId;
const asOwner = (m: string, p: string, b?: unknown) => as(owner, ws)(m, p, b).then(remember);

async function connectShopify(who: SignedUp, shop: string) {
  const init = await as(who, () => who.workspaceId)("GET", `/api/v1/integrations/oauth/shopify/initiate?shop=${shop}`);
  expect(init.status, JSON.stringify(init.body)).toBe(200);
  const back = await approve(init.body.authorization_url);
  expect(back.origin + back.pathname).toBe(`${env.APP_URL}/integrations/oauth/shopify/callback`);
  const cb = await as(who, () => who.workspaceId)("POST", "/api/v1/integrations/oauth/shopify/callback", {
    code: back.searchParams.get("code"),
    state: back.searchParams.get("state"),
  });
  expect(cb.status, JSON.stringify(cb.body)).toBe(200);
  return cb.body.integration as { id: string; settings: Record<string, unknown> };
}

beforeAll(async () => {
  owner = await signup();
  [admin, viewer, outsider] = await Promise.all([join(owner, "admin"), join(owner, "viewer"), signup()]);
});

describe("catalogue", () => {
  it("lists the available integrations, their connection status and the data sync provider", async () => {
    const r = await asOwner("GET", "/api/v1/integrations/available");
    expect(r.status).toBe(200);
    const types = r.body.map((i: { type: string }) => i.type);
    expect(types).toEqual(expect.arrayContaining(["slack", "google_drive", "google_ads", "meta_ads", "shopify", "hubspot", "jira"]));
    const google = r.body.find((i: { type: string }) => i.type === "google_ads");
    expect(google).toMatchObject({ supports_pkce: true, configured: true, connected: false });
    const p = await asOwner("GET", "/api/v1/integrations/data-sync-provider");
    expect(p.body).toMatchObject({ provider: "none", configured: true, missing: [] });
    expect((await asOwner("GET", "/api/v1/integrations")).body).toEqual([]);
  });
});

describe("OAuth", () => {
  it("connects Slack through the anonymous callback: state recovers workspace and member; tokens stored encrypted; replay is a 400", async () => {
    const url = await asOwner("GET", "/api/v1/oauth/slack/url");
    expect(url.status, JSON.stringify(url.body)).toBe(200);
    const authUrl = new URL(url.body.authorization_url);
    expect(authUrl.pathname).toBe("/slack.com/oauth/v2/authorize");
    expect(authUrl.searchParams.get("state")).toBe(url.body.state);
    const back = await approve(url.body.authorization_url);
    expect(back.pathname).toBe("/api/v1/oauth/slack/callback");
    const cbPath = back.pathname + back.search;
    const ip = "203.0.113.7";
    const cb = await raw(cbPath, { headers: { "cf-connecting-ip": ip } });
    const body = (await cb.json()) as any;
    expect(cb.status, JSON.stringify(body)).toBe(200);
    seen.push(JSON.stringify(body));
    expect(body.integration).toMatchObject({ type: "slack", status: "connected", account_id: "T0FAKETEAM", has_credentials: true });
    expect(body.integration.created_by_member_id).toBeTruthy();
    // The same state again (a replay): 400, and nothing changes.
    const again = await raw(cbPath, { headers: { "cf-connecting-ip": ip } });
    expect(again.status).toBe(400);
    const rows = await tenant(ws(), (db) => db.select().from(integrations));
    expect(rows).toHaveLength(1);
    const [plain] = await storedTokens(ws());
    expect(plain?.startsWith("xoxe.xoxb-")).toBe(true);
    expect(rows[0]?.accessTokenEncrypted).not.toContain(plain as string);
  });

  it("refuses forged, tampered and wrong-type states with 400 and stores nothing", async () => {
    const url = await asOwner("GET", "/api/v1/oauth/google-ads/url");
    const back = await approve(url.body.authorization_url);
    const code = back.searchParams.get("code") as string;
    const state = back.searchParams.get("state") as string;
    const [h, p, s] = state.split(".");
    const claims = JSON.parse(atob((p as string).replace(/-/g, "+").replace(/_/g, "/")));
    const forgedPayload = btoa(JSON.stringify({ ...claims, ws: outsider.workspaceId }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    for (const bad of [`${h}.${forgedPayload}.${s}`, "not-a-state", `${state.slice(0, -2)}xx`]) {
      const r = await raw(`/api/v1/oauth/google-ads/callback?code=${code}&state=${encodeURIComponent(bad)}`);
      expect(r.status).toBe(400);
    }
    // A Google Ads state presented at the Slack callback.
    expect((await raw(`/api/v1/oauth/slack/callback?code=${code}&state=${encodeURIComponent(state)}`)).status).toBe(400);
    // The authenticated callback checks the state was issued to the caller in this workspace.
    const other = await as(admin, ws)("POST", "/api/v1/integrations/oauth/google_ads/callback", { code, state });
    expect(other.status).toBe(400);
    expect(await tenant(ws(), (db) => db.select().from(integrations).where(eq(integrations.type, "google_ads")))).toEqual([]);
  });

  it("connects Google Ads with PKCE, then disconnect revokes at Google", async () => {
    const url = await asOwner("GET", "/api/v1/oauth/google-ads/url");
    const authUrl = new URL(url.body.authorization_url);
    expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authUrl.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authUrl.searchParams.get("access_type")).toBe("offline");
    const back = await approve(url.body.authorization_url);
    const cb = await raw(back.pathname + back.search);
    const body = (await cb.json()) as any;
    seen.push(JSON.stringify(body));
    expect(cb.status, JSON.stringify(body)).toBe(200);
    expect(body.integration).toMatchObject({ type: "google_ads", account_name: "ads-owner@example.com" });
    expect(body.integration.token_expires_at).toBeTruthy();
    expect(await storedTokens(ws())).toHaveLength(4); // access and refresh tokens of Slack and Google Ads
    const before = (await fake("/__fake/calls?match=/oauth2.googleapis.com/revoke")).length;
    const del = await asOwner("DELETE", `/api/v1/integrations/${body.integration.id}`);
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body).toMatchObject({ status: "disconnected", revoked: true, type: "google_ads" });
    expect((await fake("/__fake/calls?match=/oauth2.googleapis.com/revoke")).length).toBe(before + 1);
    expect((await asOwner("GET", `/api/v1/integrations/${body.integration.id}`)).status).toBe(404);
    expect(await storedTokens(ws())).toHaveLength(2);
  });

  for (const [type, account, revoked] of [
    ["google_drive", "ads-owner@example.com", true],
    ["hubspot", "fake.hubspot.com", true],
    ["jira", "fake-site", false],
  ] as const) {
    it(`connects ${type} through initiate and the authenticated callback, and disconnects it`, async () => {
      const init = await asOwner("GET", `/api/v1/integrations/oauth/${type}/initiate`);
      expect(init.status, JSON.stringify(init.body)).toBe(200);
      const back = await approve(init.body.authorization_url);
      expect(back.pathname).toBe(`/integrations/oauth/${type}/callback`);
      const cb = await asOwner("POST", `/api/v1/integrations/oauth/${type}/callback`, {
        code: back.searchParams.get("code"),
        state: back.searchParams.get("state"),
      });
      expect(cb.status, JSON.stringify(cb.body)).toBe(200);
      expect(cb.body.integration).toMatchObject({ type, account_name: account, auth_type: "oauth" });
      const del = await asOwner("DELETE", `/api/v1/integrations/${cb.body.integration.id}`);
      expect(del.body).toMatchObject({ status: "disconnected", revoked });
    });
  }

  it("viewers cannot connect, change, sync or disconnect; they can read", async () => {
    const v = as(viewer, ws);
    const [slack] = (await asOwner("GET", "/api/v1/integrations?type=slack")).body;
    expect((await v("GET", "/api/v1/integrations")).status).toBe(200);
    expect((await v("GET", `/api/v1/integrations/${slack.id}`)).status).toBe(200);
    expect((await v("GET", "/api/v1/integrations/oauth/slack/initiate")).status).toBe(403);
    expect((await v("GET", "/api/v1/oauth/slack/url")).status).toBe(403);
    expect(
      (
        await v("POST", "/api/v1/integrations", {
          type: "shopify",
          credentials: { access_token: "shpat_xxxxxxxx", shop_domain: "x.myshopify.com" },
        })
      ).status,
    ).toBe(403);
    expect((await v("PUT", `/api/v1/integrations/${slack.id}`, { name: "x" })).status).toBe(403);
    expect((await v("POST", `/api/v1/integrations/${slack.id}/sync`, {})).status).toBe(403);
    expect((await v("POST", `/api/v1/integrations/${slack.id}/toggle`)).status).toBe(403);
    expect((await v("POST", `/api/v1/integrations/${slack.id}/create-recordsets`)).status).toBe(403);
    expect((await v("DELETE", `/api/v1/integrations/${slack.id}`)).status).toBe(403);
    // Live provider queries act with the stored credentials: manage permission, not view.
    const liveBefore = (await fake("/__fake/calls?match=/admin/api/")).length;
    expect((await v("POST", "/api/v1/integrations/shopify/query", { entity: "orders" })).status).toBe(403);
    expect((await v("POST", "/api/v1/integrations/meta-ads/query", { entity: "campaigns" })).status).toBe(403);
    expect((await fake("/__fake/calls?match=/admin/api/")).length).toBe(liveBefore);
    expect(sent).toEqual([]);
    // Another workspace's integration is a 404.
    const o = as(outsider, () => outsider.workspaceId);
    expect((await o("GET", `/api/v1/integrations/${slack.id}`)).status).toBe(404);
    expect((await o("DELETE", `/api/v1/integrations/${slack.id}`)).status).toBe(404);
  });

  it("rate limits the anonymous callbacks per IP", async () => {
    const ip = "198.51.100.23";
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await raw(`/api/v1/oauth/slack/callback?code=x&state=y`, { headers: { "cf-connecting-ip": ip } })).status);
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses).toContain(429);
  });
});

describe("sync", () => {
  let shopify: { id: string };
  it("syncs Shopify on the queue, with progress over SSE, resumable by Last-Event-ID", async () => {
    shopify = await connectShopify(owner, "acme-main.myshopify.com");
    expect((await asOwner("PUT", `/api/v1/integrations/${shopify.id}`, { settings: { sync_page_size: 5 } })).body.settings).toMatchObject({
      sync_page_size: 5,
      shop_domain: "acme-main.myshopify.com",
    });
    expect((await asOwner("PUT", `/api/v1/integrations/${shopify.id}`, { settings: { sync_page_size: 5000 } })).status).toBe(422);
    expect((await asOwner("PUT", `/api/v1/integrations/${shopify.id}`, { settings: { webhook: "x" } })).status).toBe(422);
    const q = await asOwner("POST", `/api/v1/integrations/${shopify.id}/sync`, {});
    expect(q.status, JSON.stringify(q.body)).toBe(200);
    expect(q.body).toMatchObject({ status: "queued", job_run_id: q.body.run_id });
    expect((await asOwner("POST", `/api/v1/integrations/${shopify.id}/sync`, {})).status).toBe(409); // one at a time
    expect(sent).toHaveLength(1);
    await drain();
    const run = await asOwner("GET", `/api/v1/integrations/runs/${q.body.run_id}`);
    expect(run.body).toMatchObject({ status: "COMPLETED", progress: 100, records_synced: 21 });
    const [connected] = await eventsAbout("integration.connected", shopify.id);
    expect(connected?.data).toMatchObject({ integration: { id: shopify.id, type: "shopify" }, reconnected: false });
    const synced = await eventsAbout("integration.sync.completed", shopify.id);
    expect(synced.map((e) => e.data.run)).toEqual([
      expect.objectContaining({ id: q.body.run_id, status: "COMPLETED", records_synced: 21 }),
    ]);
    const stream = await raw(`/api/v1/integrations/runs/${q.body.run_id}/stream`, {
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws() },
    });
    expect(stream.status).toBe(200);
    const events = await readSse(stream);
    expect(events[0]?.data).toMatchObject({ run_id: q.body.run_id, status: "PENDING", progress: 0 });
    expect(events.at(-1)?.data).toMatchObject({ status: "COMPLETED", progress: 100 });
    expect(events.filter((e) => e.data.status === "RUNNING").length).toBeGreaterThanOrEqual(6);
    expect(typeof events[1]?.data.timestamp).toBe("string");
    const mid = events[3]?.id as string;
    const resumed = await readSse(
      await raw(`/api/v1/integrations/runs/${q.body.run_id}/stream`, {
        headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws(), "last-event-id": mid },
      }),
    );
    expect(resumed.map((e) => e.id)).toEqual(events.slice(4).map((e) => e.id));
    const after = await raw(`/api/v1/integrations/runs/${q.body.run_id}/stream`, {
      headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws(), "last-event-id": events.at(-1)?.id as string },
    });
    expect(after.status).toBe(204);
    const logs = await asOwner("GET", `/api/v1/integrations/runs/${q.body.run_id}/logs?limit=2`);
    expect(logs.body.total).toBeGreaterThan(5);
    expect(logs.body.logs).toHaveLength(2);
    const info = await asOwner("GET", `/api/v1/integrations/${shopify.id}/info`);
    expect(info.body).toMatchObject({ total_records: 21 });
    expect(info.body.tables.map((t: { record_count: number }) => t.record_count)).toEqual([12, 5, 4]);
    const status = await asOwner("GET", `/api/v1/integrations/${shopify.id}/status`);
    expect(status.body).toMatchObject({ last_sync_status: "COMPLETED", current_run: null });
    expect((await asOwner("GET", `/api/v1/integrations/${shopify.id}/logs`)).body.runs[0].logs.length).toBeGreaterThan(5);
    // Recently synced: a new sync needs force.
    expect((await asOwner("POST", `/api/v1/integrations/${shopify.id}/sync`, {})).status).toBe(409);
    expect((await asOwner("POST", `/api/v1/integrations/${shopify.id}/sync`, { force: true })).status).toBe(200);
    await drain();
    expect(await tenant(ws(), (db) => db.$count(stagedRows))).toBe(21); // synced twice, 21 rows, not 42
  });

  it("a run killed mid-way resumes from its cursor without duplicating rows", async () => {
    const other = await signup();
    const integ = await connectShopify(other, "resume-shop.myshopify.com");
    const o = as(other, () => other.workspaceId);
    await o("PUT", `/api/v1/integrations/${integ.id}`, { settings: { sync_page_size: 5 } });
    await fake("/__fake/faults", { match: "resume-shop.myshopify.com/admin/api/2024-07/orders.json", status: 503, after: 1, times: 1 });
    const q = await o("POST", `/api/v1/integrations/${integ.id}/sync`, {});
    const msg = sent.shift() as QueueMessage;
    const first = await deliver(msg, 1);
    expect(first).toMatchObject({ acked: false, retried: true });
    const mid = (await o("GET", `/api/v1/integrations/runs/${q.body.run_id}`)).body;
    expect(mid).toMatchObject({ status: "RUNNING", records_synced: 5, cursor: { entity: 0 } });
    expect(mid.cursor.page).toBeTruthy();
    const second = await deliver(msg, 2);
    expect(second.acked).toBe(true);
    await drain();
    const done = (await o("GET", `/api/v1/integrations/runs/${q.body.run_id}`)).body;
    expect(done).toMatchObject({ status: "COMPLETED", records_synced: 21 });
    const n = await tenant(other.workspaceId, (db) =>
      db.select({ n: count() }).from(stagedRows).where(eq(stagedRows.source, "shopify_orders")),
    );
    expect(n[0]?.n).toBe(12);
    const firstPages = (await fake("/__fake/calls?match=resume-shop.myshopify.com/admin/api/2024-07/orders.json")).filter(
      (c: { query: Record<string, string> }) => !c.query.page_info,
    );
    expect(firstPages).toHaveLength(1); // the first page was not fetched again
    const logs = (await o("GET", `/api/v1/integrations/runs/${q.body.run_id}/logs`)).body.logs.map((l: { message: string }) => l.message);
    expect(logs.some((m: string) => m.includes("Resuming from the saved cursor"))).toBe(true);
  });

  it("refreshes an expiring Slack token before syncing; a refused refresh marks needs_reauth and notifies the owner", async () => {
    const [slack] = (await asOwner("GET", "/api/v1/integrations?type=slack")).body;
    const expire = () =>
      tenant(ws(), (db) =>
        db
          .update(integrations)
          .set({ tokenExpiresAt: new Date(Date.now() - 1000) })
          .where(eq(integrations.id, slack.id)),
      );
    const tokensBefore = await storedTokens(ws());
    await expire();
    const q = await asOwner("POST", `/api/v1/integrations/${slack.id}/sync`, {});
    await drain();
    expect((await asOwner("GET", `/api/v1/integrations/runs/${q.body.run_id}`)).body).toMatchObject({
      status: "COMPLETED",
      records_synced: 9,
    });
    const tokensAfter = await storedTokens(ws());
    expect(tokensAfter.some((t) => !tokensBefore.includes(t))).toBe(true);
    const row = (await tenant(ws(), (db) => db.select().from(integrations).where(eq(integrations.id, slack.id))))[0];
    expect(row?.tokenExpiresAt?.getTime()).toBeGreaterThan(Date.now());

    await expire();
    await fake("/__fake/refuse-refresh", { provider: "slack" });
    try {
      const q2 = await asOwner("POST", `/api/v1/integrations/${slack.id}/sync`, { force: true });
      await drain();
      const r = (await asOwner("GET", `/api/v1/integrations/runs/${q2.body.run_id}`)).body;
      expect(r.status).toBe("FAILED");
      expect(r.error_message).toMatch(/reconnect|refused/);
    } finally {
      await fake("/__fake/refuse-refresh", { provider: "slack", refuse: false });
    }
    const after = (await asOwner("GET", `/api/v1/integrations/${slack.id}`)).body;
    expect(after.status).toBe("needs_reauth");
    const notes = await tenant(ws(), (db) =>
      db
        .select()
        .from(notifications)
        .where(
          and(eq(notifications.eventType, "integration_needs_reauth"), eq(notifications.recipientMemberId, slack.created_by_member_id)),
        ),
    );
    expect(notes).toHaveLength(1);
    const reauth = await eventsAbout("integration.needs_reauth", slack.id);
    expect(reauth).toHaveLength(1);
    expect(reauth[0]?.data.reason).toEqual(expect.any(String));
    const failed = await eventsAbout("integration.sync.failed", slack.id);
    expect(failed.map((e) => (e.data.run as { status: string }).status)).toEqual(["FAILED"]);
    expect((await asOwner("POST", `/api/v1/integrations/${slack.id}/sync`, { force: true })).status).toBe(409);
    const runs = await tenant(ws(), (db) => db.select().from(integrationRuns).where(eq(integrationRuns.integrationId, slack.id)));
    expect(runs.filter((x) => x.status === "PENDING" || x.status === "RUNNING")).toEqual([]);
  });

  it("a disabled integration does not sync; bad sync input is a 422 that queues nothing", async () => {
    const t = await asOwner("POST", `/api/v1/integrations/${shopify.id}/toggle`);
    expect(t.body.is_active).toBe(false);
    expect((await asOwner("GET", "/api/v1/integrations?is_active=false")).body.map((i: { id: string }) => i.id)).toEqual([shopify.id]);
    expect((await asOwner("POST", `/api/v1/integrations/${shopify.id}/sync`, { force: true })).status).toBe(409);
    expect((await asOwner("POST", `/api/v1/integrations/${shopify.id}/sync`, { force: "yes" })).status).toBe(422);
    expect(sent).toEqual([]);
    expect((await asOwner("POST", `/api/v1/integrations/${shopify.id}/toggle`)).body.is_active).toBe(true);
    const o = as(outsider, () => outsider.workspaceId);
    const [run] = await tenant(ws(), (db) => db.select().from(integrationRuns).limit(1));
    expect((await o("GET", `/api/v1/integrations/runs/${run?.id}`)).status).toBe(404);
    expect((await o("GET", `/api/v1/integrations/runs/${run?.id}/stream`)).status).toBe(404);
  });

  it("a run queued before the integration is disabled ends CANCELLED, and its stream closes", async () => {
    const q = await asOwner("POST", `/api/v1/integrations/${shopify.id}/sync`, { force: true });
    expect(q.status).toBe(200);
    await asOwner("POST", `/api/v1/integrations/${shopify.id}/toggle`);
    await drain();
    expect((await asOwner("GET", `/api/v1/integrations/runs/${q.body.run_id}`)).body).toMatchObject({ status: "CANCELLED" });
    const events = await readSse(
      await raw(`/api/v1/integrations/runs/${q.body.run_id}/stream`, {
        headers: { authorization: `Bearer ${owner.token}`, "x-workspace-id": ws() },
      }),
    );
    expect(events.map((e) => e.data.status)).toEqual(["PENDING", "CANCELLED"]);
    await asOwner("POST", `/api/v1/integrations/${shopify.id}/toggle`);
  });

  it("direct-token connections are checked at the provider first; bad input writes nothing", async () => {
    const before = await tenant(ws(), (db) => db.$count(integrations));
    const post = (body: unknown) => asOwner("POST", "/api/v1/integrations", body);
    const refused = await post({
      type: "shopify",
      credentials: { access_token: "shpat_not-a-real-token", shop_domain: "acme-main.myshopify.com" },
    });
    expect(refused.status).toBe(409); // already connected (one per type)…
    const other = await signup();
    const o = as(other, () => other.workspaceId);
    const bad = await o("POST", "/api/v1/integrations", {
      type: "shopify",
      credentials: { access_token: "shpat_not-a-real-token", shop_domain: "nobody.myshopify.com" },
    });
    expect(bad.status).toBe(400); // …and elsewhere Shopify refuses the token: nothing stored
    expect(bad.body.detail).toMatch(/Invalid API key or access token/);
    expect(await tenant(other.workspaceId, (db) => db.$count(integrations))).toBe(0);
    expect((await o("POST", "/api/v1/integrations", { type: "slack", credentials: { access_token: "xoxb-12345678" } })).status).toBe(422);
    expect((await o("POST", "/api/v1/integrations", { type: "myspace", credentials: { access_token: "12345678" } })).status).toBe(422);
    expect(
      (
        await o("POST", "/api/v1/integrations", {
          type: "shopify",
          credentials: { access_token: "shpat_x12345678", shop_domain: "evil.com" },
        })
      ).status,
    ).toBe(422);
    expect(
      (await o("POST", "/api/v1/integrations", { type: "shopify", credentials: { access_token: "shpat_x12345678", refresh_token: "x" } }))
        .status,
    ).toBe(422);
    expect(await tenant(ws(), (db) => db.$count(integrations))).toBe(before);
  });

  describe("data retrieval and recordsets", () => {
    // A key on the starter plan allows bursts of 10 requests: the calls take turns over three keys.
    const keys: string[] = [];
    let turn = 0;
    beforeAll(async () => {
      for (const name of ["data-1", "data-2", "data-3"]) {
        const k = await call("POST", "/api/v1/api-keys", { token: owner.token, workspace: ws(), body: { name, scopes: ["read"] } });
        expect(k.status).toBe(201);
        keys.push(k.body.key);
      }
    });
    const withKey = (path: string) => call("GET", path, { headers: { "x-api-key": keys[turn++ % keys.length] as string } }).then(remember);

    it("serves synced rows with an API key (/data) and with a session (/data/me), paged and filtered", async () => {
      expect((await withKey("/api/v1/data")).body).toEqual({ integrations: ["slack", "meta", "shopify"] });
      const ents = await withKey("/api/v1/data/shopify");
      expect(ents.body.entities.map((e: { table_name: string }) => e.table_name)).toEqual([
        "shopify_orders",
        "shopify_customers",
        "shopify_products",
      ]);
      const p1 = await withKey("/api/v1/data/shopify/orders?limit=5");
      expect(p1.status, JSON.stringify(p1.body)).toBe(200);
      expect(p1.body).toMatchObject({ integration_name: "shopify", entity_type: "orders", total: 12, limit: 5, offset: 0, has_more: true });
      expect(p1.body.rows).toHaveLength(5);
      expect(p1.body.columns[0]).toEqual({ name: "id", type: "VARCHAR", nullable: false, primary_key: true });
      expect(p1.body.rows[0]).toMatchObject({ currency: "USD" });
      const last = await withKey("/api/v1/data/shopify/orders?limit=5&offset=10");
      expect(last.body).toMatchObject({ total: 12, has_more: false });
      expect(last.body.rows).toHaveLength(2);
      const ids = new Set([...p1.body.rows, ...last.body.rows].map((r: { id: string }) => r.id));
      expect(ids.size).toBe(7);
      const future = new Date(Date.now() + 3600_000).toISOString();
      expect((await withKey(`/api/v1/data/shopify/orders?created_after=${encodeURIComponent(future)}`)).body.total).toBe(0);
      const past = new Date(Date.now() - 3600_000).toISOString();
      expect((await withKey(`/api/v1/data/shopify/orders?updated_after=${encodeURIComponent(past)}`)).body.total).toBe(12);
      expect((await withKey("/api/v1/data/shopify/orders?limit=0")).status).toBe(422);
      expect((await withKey("/api/v1/data/shopify/orders?limit=1001")).status).toBe(422);
      expect((await withKey("/api/v1/data/shopify/orders?created_after=yesterday")).status).toBe(422);
      expect((await withKey("/api/v1/data/nope")).status).toBe(404);
      expect((await withKey("/api/v1/data/shopify/nope")).status).toBe(404);
      // Each door takes its own credential.
      expect((await asOwner("GET", "/api/v1/data/shopify/orders")).status).toBe(401);
      expect((await withKey("/api/v1/data/me/shopify/orders")).status).toBe(401);
      const me = await asOwner("GET", "/api/v1/data/me/shopify/customers?limit=2&offset=1");
      expect(me.body).toMatchObject({ total: 5, limit: 2, offset: 1, has_more: true });
      expect((await asOwner("GET", "/api/v1/data/me")).body.integrations).toContain("meta");
      expect((await asOwner("GET", "/api/v1/data/me/slack")).body.entities).toHaveLength(2);
      expect((await call("GET", "/api/v1/data/me/shopify/orders", { token: outsider.token, workspace: ws() })).status).toBe(404);
    });

    it("create-recordsets makes virtual recordsets read through /api/v1/integration-records", async () => {
      const [shop] = (await asOwner("GET", "/api/v1/integrations?type=shopify")).body;
      const r = await asOwner("POST", `/api/v1/integrations/${shop.id}/create-recordsets`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.recordsets.map((x: { staging_table: string; created: boolean }) => [x.staging_table, x.created])).toEqual([
        ["shopify_orders", true],
        ["shopify_customers", true],
        ["shopify_products", true],
      ]);
      const again = await asOwner("POST", `/api/v1/integrations/${shop.id}/create-recordsets`);
      expect(again.body.recordsets.every((x: { created: boolean }) => !x.created)).toBe(true);
      const orders = r.body.recordsets[0];
      const list = await asOwner("GET", `/api/v1/integration-records/${orders.slug}?page_size=5`);
      expect(list.status, JSON.stringify(list.body)).toBe(200);
      expect(list.body).toMatchObject({ total: 12, staging_table: "shopify_orders" });
      const cnt = await asOwner("GET", `/api/v1/integration-records/${r.body.recordsets[2].slug}/count`);
      expect(cnt.body.count).toBe(4);
      const info = await asOwner("GET", `/api/v1/integrations/${shop.id}/info`);
      expect(info.body.recordsets).toHaveLength(3);
    });

    it("queries Shopify and Meta on demand, allowlisted", async () => {
      const s = await asOwner("POST", "/api/v1/integrations/shopify/query", {
        entity: "orders",
        fields: ["id", "name", "total_price"],
        params: { limit: 4 },
      });
      expect(s.status, JSON.stringify(s.body)).toBe(200);
      expect(s.body.rows).toHaveLength(4);
      expect(Object.keys(s.body.rows[0]).sort()).toEqual(["id", "name", "total_price"]);
      const s2 = await asOwner("POST", "/api/v1/integrations/shopify/query", {
        entity: "orders",
        params: { limit: 4, page_info: s.body.next_page_info },
      });
      expect(s2.body.rows[0].name).toBe("#1005");
      for (const bad of [
        { entity: "orders", fields: ["id", "customer"] },
        { entity: "orders", params: { limit: 4, api_version: "x" } },
        { entity: "checkouts" },
        { entity: "orders", params: { status: "archived" } },
        { entity: "orders", params: { page_info: "abc", status: "any" } },
        { entity: "orders", extra: true },
      ]) {
        expect((await asOwner("POST", "/api/v1/integrations/shopify/query", bad)).status, JSON.stringify(bad)).toBe(422);
      }
      // Meta: connect with OAuth, then query.
      const init = await asOwner("GET", "/api/v1/integrations/oauth/meta_ads/initiate");
      const back = await approve(init.body.authorization_url);
      const cb = await asOwner("POST", "/api/v1/integrations/oauth/meta_ads/callback", {
        code: back.searchParams.get("code"),
        state: back.searchParams.get("state"),
      });
      expect(cb.status, JSON.stringify(cb.body)).toBe(200);
      expect(cb.body.integration.settings).toEqual({ ad_account_id: "act_1234567890" });
      const m = await asOwner("POST", "/api/v1/integrations/meta-ads/query", {
        entity: "campaigns",
        fields: ["id", "name"],
        params: { limit: 3 },
      });
      expect(m.status, JSON.stringify(m.body)).toBe(200);
      expect(m.body).toMatchObject({ count: 3, paging: { has_next: true } });
      const m2 = await asOwner("POST", "/api/v1/integrations/meta-ads/query", {
        entity: "campaigns",
        fields: ["id"],
        params: { limit: 5, after: m.body.paging.after },
      });
      expect(m2.body).toMatchObject({ count: 4, paging: { has_next: false } });
      expect(m2.body.data[0].id).toBe("23850000000004");
      for (const bad of [
        { entity: "campaigns", fields: ["id", "targeting"] },
        { entity: "campaigns", params: { date_preset: "last_7d" } },
        { entity: "insights", params: { date_preset: "last_7d", time_range: { since: "2026-01-01", until: "2026-01-31" } } },
        { entity: "insights", params: { breakdowns: "age" } },
        { entity: "audiences" },
      ]) {
        expect((await asOwner("POST", "/api/v1/integrations/meta-ads/query", bad)).status, JSON.stringify(bad)).toBe(422);
      }
      const ins = await asOwner("POST", "/api/v1/integrations/meta-ads/query", {
        entity: "insights",
        params: { date_preset: "last_30d", level: "campaign" },
      });
      expect(ins.body.data[0]).toMatchObject({ spend: "150.25" });
      expect(
        (await as(outsider, () => outsider.workspaceId)("POST", "/api/v1/integrations/shopify/query", { entity: "orders" })).status,
      ).toBe(404);
    });

    it("disconnecting Shopify revokes at Shopify and removes its rows and recordsets", async () => {
      const [shop] = (await asOwner("GET", "/api/v1/integrations?type=shopify")).body;
      const d = await asOwner("DELETE", `/api/v1/integrations/${shop.id}`);
      expect(d.body).toMatchObject({ revoked: true, recordsets_deleted: 3, staged_rows_deleted: 21 });
      expect((await eventsAbout("integration.disconnected", shop.id)).map((e) => e.data)).toEqual([
        expect.objectContaining({ integration: expect.objectContaining({ id: shop.id }), revoked: true }),
      ]);
      expect(await tenant(ws(), (db) => db.select().from(recordsets).where(eq(recordsets.stagingTable, "shopify_orders")))).toEqual([]);
      expect((await withKey("/api/v1/data/shopify/orders")).body.total).toBe(0);
      const calls = await fake("/__fake/calls?match=acme-main.myshopify.com/admin/api_permissions/current.json");
      expect(calls).toHaveLength(1);
    });
  });

  it("never shows an OAuth token in any response", async () => {
    const all = [...(await storedTokens(ws()))];
    expect(all.length).toBeGreaterThan(0);
    for (const path of ["/api/v1/integrations", "/api/v1/integrations/available"]) remember(await asOwner("GET", path));
    for (const body of seen) for (const t of all) expect(body.includes(t)).toBe(false);
  });
});

describe("sync hardening", () => {
  const shopOf = (name: string) => `${name}.myshopify.com`;
  const ordersPath = (shop: string) => `${shop}/admin/api/2024-07/orders.json`;
  const runOf = (ws: string, id: string) =>
    tenant(ws, async (db) => (await db.select().from(integrationRuns).where(eq(integrationRuns.id, id)))[0]);
  /** A system context bound to the workspace, like a queue consumer's (its own connections). */
  async function systemCtx(wsId: string): Promise<ServiceContext> {
    const ctx = createContext({ env, requestId: crypto.randomUUID(), actor: { kind: "system", name: "test" }, waitUntil: () => {} });
    await resolveWorkspaceForSystem(ctx, wsId);
    return ctx;
  }
  async function shopWorkspace(name: string) {
    const who = await signup();
    const integ = await connectShopify(who, shopOf(name));
    const o = as(who, () => who.workspaceId);
    await o("PUT", `/api/v1/integrations/${integ.id}`, { settings: { sync_page_size: 5 } });
    return { who, integ, o };
  }

  it("a duplicate sync message is a no-op: one page chain, every page fetched once", async () => {
    const { who, integ, o } = await shopWorkspace("dup-shop");
    await fake("/__fake/faults", { match: ordersPath(shopOf("dup-shop")), delay: 400, times: 1 });
    const q = await o("POST", `/api/v1/integrations/${integ.id}/sync`, {});
    const msg = sent.shift() as QueueMessage;
    const [a, b] = await Promise.all([deliver(msg), deliver(msg)]);
    expect([a.acked, b.acked]).toContain(true);
    // The copy that found the run leased is retried; by then the run is done and it is a no-op.
    if (!a.acked || !b.acked) expect(await deliver(msg, 2)).toMatchObject({ acked: true });
    await drain();
    expect(await deliver(msg, 3)).toMatchObject({ acked: true }); // a late duplicate as well
    const run = (await o("GET", `/api/v1/integrations/runs/${q.body.run_id}`)).body;
    expect(run).toMatchObject({ status: "COMPLETED", records_synced: 21, pages_synced: 5 });
    const calls = await fake(`/__fake/calls?match=${ordersPath(shopOf("dup-shop"))}`);
    expect(calls).toHaveLength(3); // 12 orders, 5 a page: no page twice
    expect(await tenant(who.workspaceId, (db) => db.$count(stagedRows))).toBe(21);
  });

  it("two concurrent triggers create one run (409 for the other)", async () => {
    const { who, integ, o } = await shopWorkspace("race-shop");
    const rs = await Promise.all([
      o("POST", `/api/v1/integrations/${integ.id}/sync`, { force: true }),
      o("POST", `/api/v1/integrations/${integ.id}/sync`, { force: true }),
      o("POST", `/api/v1/integrations/${integ.id}/sync`, { force: true }),
    ]);
    expect(rs.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const runs = await tenant(who.workspaceId, (db) =>
      db.select().from(integrationRuns).where(eq(integrationRuns.integrationId, integ.id)),
    );
    expect(runs).toHaveLength(1);
    expect(sent).toHaveLength(1);
    await drain();
  });

  it("a stale RUNNING run is replaced with force, and the cron reaper fails stale runs", async () => {
    const { who, integ, o } = await shopWorkspace("stale-shop");
    const q = await o("POST", `/api/v1/integrations/${integ.id}/sync`, {});
    const lost = sent.shift() as QueueMessage; // the consumer died with it
    const longAgo = new Date(Date.now() - 20 * 60_000);
    await tenant(who.workspaceId, (db) =>
      db.update(integrationRuns).set({ status: "RUNNING", leaseUntil: longAgo }).where(eq(integrationRuns.id, q.body.run_id)),
    );
    const busy = await o("POST", `/api/v1/integrations/${integ.id}/sync`, {});
    expect(busy.status).toBe(409);
    expect(busy.body.detail).toMatch(/stopped responding.*force/);
    const forced = await o("POST", `/api/v1/integrations/${integ.id}/sync`, { force: true });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    expect((await o("GET", `/api/v1/integrations/runs/${q.body.run_id}`)).body).toMatchObject({
      status: "FAILED",
      error_message: expect.stringMatching(/stopped responding/),
    });
    expect(await deliver(lost)).toMatchObject({ acked: true }); // the old run's message is a no-op
    await drain();
    expect((await o("GET", `/api/v1/integrations/runs/${forced.body.run_id}`)).body).toMatchObject({ status: "COMPLETED" });

    // A run whose message was lost (never claimed) and one whose lease lapsed: the reaper fails both kinds.
    const q2 = await o("POST", `/api/v1/integrations/${integ.id}/sync`, { force: true });
    const lost2 = sent.shift() as QueueMessage;
    await tenant(who.workspaceId, (db) =>
      db.update(integrationRuns).set({ createdAt: longAgo }).where(eq(integrationRuns.id, q2.body.run_id)),
    );
    const cron = createContext({ env, requestId: "reaper", actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
    try {
      // Another test file's cron may have reaped it first (the reaper sweeps every workspace); the run's state below is the check.
      expect(await reapStaleIntegrationRuns(cron)).toBeGreaterThanOrEqual(0);
    } finally {
      await cron.connections.close();
    }
    expect(await runOf(who.workspaceId, q2.body.run_id)).toMatchObject({ status: "FAILED", leaseUntil: null });
    const events = await readSse(
      await raw(`/api/v1/integrations/runs/${q2.body.run_id}/stream`, {
        headers: { authorization: `Bearer ${who.token}`, "x-workspace-id": who.workspaceId },
      }),
    );
    expect(events.at(-1)?.data).toMatchObject({ status: "FAILED", error_message: expect.stringMatching(/stopped responding/) });
    expect((await o("GET", `/api/v1/integrations/${integ.id}/status`)).body).toMatchObject({
      last_sync_status: "FAILED",
      current_run: null,
    });
    expect(await deliver(lost2)).toMatchObject({ acked: true });
    // A fresh run (not stale) is left alone.
    const q3 = await o("POST", `/api/v1/integrations/${integ.id}/sync`, {});
    expect(q3.status).toBe(200);
    const cron2 = createContext({ env, requestId: "reaper-2", actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
    try {
      await reapStaleIntegrationRuns(cron2);
    } finally {
      await cron2.connections.close();
    }
    expect((await runOf(who.workspaceId, q3.body.run_id))?.status).toBe("PENDING");
    await drain();
    expect((await runOf(who.workspaceId, q3.body.run_id))?.status).toBe("COMPLETED");
  });

  it("disconnecting during a sync cancels the run and leaves no staged rows", async () => {
    const { who, integ, o } = await shopWorkspace("gone-shop");
    // The second orders page is slow: the disconnect lands while it is in flight.
    await fake("/__fake/faults", { match: ordersPath(shopOf("gone-shop")), delay: 1500, after: 1, times: 1 });
    const q = await o("POST", `/api/v1/integrations/${integ.id}/sync`, {});
    const delivery = deliver(sent.shift() as QueueMessage);
    for (let i = 0; i < 60 && (await runOf(who.workspaceId, q.body.run_id))?.recordsSynced !== 5; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await tenant(who.workspaceId, (db) => db.$count(stagedRows))).toBe(5);
    const del = await o("DELETE", `/api/v1/integrations/${integ.id}`);
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body).toMatchObject({ staged_rows_deleted: 5 });
    expect(await delivery).toMatchObject({ acked: true });
    expect(sent).toEqual([]);
    expect(await tenant(who.workspaceId, (db) => db.$count(stagedRows))).toBe(0);
    expect(await tenant(who.workspaceId, (db) => db.$count(integrationRuns))).toBe(0);
  });

  describe("token refresh", () => {
    let who: SignedUp;
    let slackId: string;
    const slackRow = async () =>
      (await tenant(who.workspaceId, (db) => db.select().from(integrations).where(eq(integrations.id, slackId))))[0]!;
    const expire = () =>
      tenant(who.workspaceId, (db) =>
        db
          .update(integrations)
          .set({ tokenExpiresAt: new Date(Date.now() - 1000) })
          .where(eq(integrations.id, slackId)),
      );
    const refreshCalls = async () => (await fake("/__fake/calls?match=slack.com/api/oauth.v2.access")).length;
    /** Two concurrent callers (own connections, as two isolates) ask for the token. */
    async function race() {
      const ctxs = await Promise.all([systemCtx(who.workspaceId), systemCtx(who.workspaceId)]);
      try {
        const row = await slackRow();
        return await Promise.allSettled(ctxs.map((c) => accessTokenFor(c, row)));
      } finally {
        for (const c of ctxs) await c.connections.close();
      }
    }

    beforeAll(async () => {
      who = await signup();
      const url = await as(who, () => who.workspaceId)("GET", "/api/v1/oauth/slack/url");
      const back = await approve(url.body.authorization_url);
      const cb = await raw(back.pathname + back.search);
      expect(cb.status).toBe(200);
      slackId = ((await cb.json()) as any).integration.id;
    });

    it("concurrent refreshes spend the rotated refresh token once and both get the new token", async () => {
      await expire();
      await fake("/__fake/faults", { match: "slack.com/api/oauth.v2.access", delay: 300, times: 2 });
      const before = await refreshCalls();
      const [a, b] = (await race()) as [PromiseSettledResult<string>, PromiseSettledResult<string>];
      expect(a.status, String((a as PromiseRejectedResult).reason)).toBe("fulfilled");
      expect(b.status, String((b as PromiseRejectedResult).reason)).toBe("fulfilled");
      expect((a as PromiseFulfilledResult<string>).value).toBe((b as PromiseFulfilledResult<string>).value);
      expect(await refreshCalls()).toBe(before + 1);
      const row = await slackRow();
      expect(row.status).toBe("connected");
      expect(await decryptSecret(env.ENCRYPTION_KEY, row.accessTokenEncrypted as string)).toBe((a as PromiseFulfilledResult<string>).value);
    });

    it("the consumer refreshes once on a provider 401 and completes the sync", async () => {
      await tenant(who.workspaceId, async (db) =>
        db
          .update(integrations)
          .set({
            accessTokenEncrypted: await encryptSecret(env.ENCRYPTION_KEY, "xoxe.xoxb-1-revoked"),
            tokenExpiresAt: new Date(Date.now() + 3600_000),
          })
          .where(eq(integrations.id, slackId)),
      );
      const q = await as(who, () => who.workspaceId)("POST", `/api/v1/integrations/${slackId}/sync`, {});
      await drain();
      expect((await as(who, () => who.workspaceId)("GET", `/api/v1/integrations/runs/${q.body.run_id}`)).body).toMatchObject({
        status: "COMPLETED",
        records_synced: 9,
      });
      const row = await slackRow();
      expect(row.status).toBe("connected");
      expect(await decryptSecret(env.ENCRYPTION_KEY, row.accessTokenEncrypted as string)).not.toBe("xoxe.xoxb-1-revoked");
    });

    it("concurrent refused refreshes mark needs_reauth once and notify once", async () => {
      await expire();
      await fake("/__fake/refuse-refresh", { provider: "slack" });
      try {
        const rs = await race();
        expect(rs.map((r) => r.status)).toEqual(["rejected", "rejected"]);
        for (const r of rs) expect(String((r as PromiseRejectedResult).reason)).toMatch(/reconnect/);
      } finally {
        await fake("/__fake/refuse-refresh", { provider: "slack", refuse: false });
      }
      expect((await slackRow()).status).toBe("needs_reauth");
      const notes = await tenant(who.workspaceId, (db) =>
        db.select().from(notifications).where(eq(notifications.eventType, "integration_needs_reauth")),
      );
      expect(notes).toHaveLength(1);
    });
  });
});

describe("connection hardening", () => {
  let who: SignedUp;
  let o: ReturnType<typeof as>;
  let shopId: string;
  const staged = () => tenant(who.workspaceId, (db) => db.$count(stagedRows));
  const orders = (shop: string) => `${shop}.myshopify.com/admin/api/2024-07/orders.json`;
  beforeAll(async () => {
    who = await signup();
    o = as(who, () => who.workspaceId);
  });

  it("an OAuth state works only at the callback it was issued for", async () => {
    // Issued for the provider's redirect to our API: refused at the authenticated POST callback, and not spent.
    const url = await o("GET", "/api/v1/oauth/google-ads/url");
    const back = await approve(url.body.authorization_url);
    const wrong = await o("POST", "/api/v1/integrations/oauth/google_ads/callback", {
      code: back.searchParams.get("code"),
      state: back.searchParams.get("state"),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.detail).toMatch(/issued for/);
    expect(await tenant(who.workspaceId, (db) => db.$count(integrations))).toBe(0);
    const right = await raw(back.pathname + back.search);
    expect(right.status).toBe(200);
    // Issued for the web app's POST (initiate): refused at the anonymous callback.
    const init = await o("GET", "/api/v1/integrations/oauth/slack/initiate");
    const b2 = await approve(init.body.authorization_url);
    const anon = await raw(
      `/api/v1/oauth/slack/callback?code=${b2.searchParams.get("code")}&state=${encodeURIComponent(b2.searchParams.get("state") as string)}`,
    );
    expect(anon.status).toBe(400);
    expect(((await anon.json()) as any).detail).toMatch(/issued for/);
    expect(await tenant(who.workspaceId, (db) => db.select().from(integrations).where(eq(integrations.type, "slack")))).toEqual([]);
  });

  it("reconnecting to another account drops the old account's rows and settings; to the same one keeps them", async () => {
    const first = await connectShopify(who, "first-shop.myshopify.com");
    shopId = first.id;
    await o("PUT", `/api/v1/integrations/${shopId}`, { settings: { sync_page_size: 5 } });
    await o("POST", `/api/v1/integrations/${shopId}/sync`, {});
    await drain();
    expect(await staged()).toBe(21);
    expect((await connectShopify(who, "first-shop.myshopify.com")).id).toBe(shopId);
    expect(await staged()).toBe(21);
    const moved = (await connectShopify(who, "second-shop.myshopify.com")) as any;
    expect(moved).toMatchObject({
      id: shopId,
      account_id: "second-shop.myshopify.com",
      settings: { shop_domain: "second-shop.myshopify.com", sync_page_size: 5 },
      last_sync_status: null,
    });
    expect(await staged()).toBe(0);
  });

  it("two first connections at once make one integration with its settings; Meta gets its token in a header", async () => {
    const connectMeta = async () => {
      const init = await o("GET", "/api/v1/integrations/oauth/meta_ads/initiate");
      const back = await approve(init.body.authorization_url);
      return o("POST", "/api/v1/integrations/oauth/meta_ads/callback", {
        code: back.searchParams.get("code"),
        state: back.searchParams.get("state"),
      });
    };
    const before = (await fake("/__fake/calls?match=graph.facebook.com")).length;
    const rs = await Promise.all([connectMeta(), connectMeta()]);
    expect(rs.map((r) => r.status)).toEqual([200, 200]);
    const rows = await tenant(who.workspaceId, (db) => db.select().from(integrations).where(eq(integrations.type, "meta_ads")));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.settings).toMatchObject({ ad_account_id: "act_1234567890" });
    const m = await o("POST", "/api/v1/integrations/meta-ads/query", { entity: "campaigns", params: { limit: 2 } });
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    const q = await o("POST", `/api/v1/integrations/${rows[0]?.id}/sync`, {});
    await drain();
    expect((await o("GET", `/api/v1/integrations/runs/${q.body.run_id}`)).body).toMatchObject({ status: "COMPLETED" });
    const calls = ((await fake("/__fake/calls?match=graph.facebook.com")) as FakeCallT[]).slice(before);
    expect(calls.length).toBeGreaterThan(4);
    for (const c of calls) if (!c.path.includes("/oauth/access_token")) expect(c.query.access_token).toBeUndefined();
  });

  it("a provider's malformed or oversized answer is a 400, not a 500", async () => {
    await fake("/__fake/faults", {
      match: orders("second-shop"),
      status: 200,
      body: { orders: [] },
      headers: { link: '<http://[bad>; rel="next"' },
    });
    const link = await o("POST", "/api/v1/integrations/shopify/query", { entity: "orders" });
    expect(link.status, JSON.stringify(link.body)).toBe(400);
    expect(link.body.detail).toMatch(/malformed Link/);
    await fake("/__fake/faults", { match: orders("second-shop"), status: 200, body: { orders: [], pad: "x".repeat(4_500_000) } });
    const big = await o("POST", "/api/v1/integrations/shopify/query", { entity: "orders" });
    expect(big.status, JSON.stringify(big.body)).toBe(400);
    expect(big.body.detail).toMatch(/larger than/);
    // A token answer without an access token (Slack's 200 {ok: true}): 400, nothing stored.
    await fake("/__fake/faults", {
      match: "slack.com/api/oauth.v2.access",
      status: 200,
      body: { ok: true, team: { id: "T1", name: "x" } },
    });
    const url = await o("GET", "/api/v1/oauth/slack/url");
    const back = await approve(url.body.authorization_url);
    const cb = await raw(back.pathname + back.search);
    expect(cb.status).toBe(400);
    expect(((await cb.json()) as any).detail).toMatch(/without an access token/);
    expect(await tenant(who.workspaceId, (db) => db.select().from(integrations).where(eq(integrations.type, "slack")))).toEqual([]);
  });

  it("a stored shop_domain is checked again at use", async () => {
    await tenant(who.workspaceId, (db) =>
      db
        .update(integrations)
        .set({ settings: { shop_domain: "evil.com", sync_page_size: 5 } })
        .where(eq(integrations.id, shopId)),
    );
    const q = await o("POST", "/api/v1/integrations/shopify/query", { entity: "orders" });
    expect(q.status).toBe(409);
    expect(q.body.detail).toMatch(/shop_domain/);
    const s = await o("POST", `/api/v1/integrations/${shopId}/sync`, { force: true });
    await drain();
    expect((await o("GET", `/api/v1/integrations/runs/${s.body.run_id}`)).body).toMatchObject({
      status: "FAILED",
      error_message: expect.stringMatching(/shop_domain/),
    });
    expect(await fake("/__fake/calls?match=evil.com")).toEqual([]);
    expect((await o("DELETE", `/api/v1/integrations/${shopId}`)).body).toMatchObject({ status: "disconnected", revoked: false });
  });
});

describeSecurity("integrations", [
  { method: "GET", path: "/api/v1/integrations", workspace: true },
  { method: "GET", path: "/api/v1/integrations/available", workspace: true },
  {
    method: "POST",
    path: "/api/v1/integrations",
    workspace: true,
    body: { type: "shopify", credentials: { access_token: "shpat_xxxxxxxx" } },
  },
  { method: "GET", path: "/api/v1/integrations/oauth/slack/initiate", workspace: true },
  { method: "GET", path: "/api/v1/oauth/slack/url", workspace: true },
  { method: "POST", path: "/api/v1/integrations/shopify/query", workspace: true, body: { entity: "orders" } },
  { method: "GET", path: "/api/v1/data/me/shopify/orders", workspace: true },
]);
