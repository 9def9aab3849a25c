import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type QueueMessage, queue } from "../queues";
import { recordsets } from "../src/modules/recordsets/tables";
import { RETRY_DELAYS_SECONDS } from "../src/modules/webhooks/service/delivery";
import { sweepEvents } from "../src/modules/webhooks/sweep";
import { webhookDeliveries, webhookEndpoints } from "../src/modules/webhooks/tables";
import { createContext } from "../src/platform/context";
import { emitEvent } from "../src/platform/events/outbox";
import { outboxEvents } from "../src/platform/events/tables";
import { outboundViolation } from "../src/platform/outbound";
import { call, databaseUrl, env, type Joined, join, lastEmail, type SignedUp, signup, withDb } from "./harness";
import { describeSecurity } from "./security";

const receiver = inject("stack").receiverUrl;
const tenantOf = (workspaceId: string) => databaseUrl(`ws_${workspaceId.replace(/-/g, "")}`);
const tenant = <T>(ws: string, f: Parameters<typeof withDb<T>>[1]) => withDb(tenantOf(ws), f);

interface Got {
  headers: Record<string, string>;
  body: string;
  at: number;
  answered: number;
}

let n = 0;
/** A fresh receiver path (its own log and behaviour). */
const hookName = () => `h${Date.now().toString(36)}${(n++).toString(36)}`;
const hookUrl = (name: string) => `${receiver}/hooks/${name}`;
const received = async (name: string): Promise<Got[]> => (await fetch(`${receiver}/_received/${name}`)).json();
const misbehave = (name: string, b: { fail?: number; status?: number; mode?: "status" | "close" | "hang" }) =>
  fetch(`${receiver}/_behaviour/${name}`, { method: "PUT", body: JSON.stringify(b) });

/** Waits until the receiver holds `count` requests on `name` (deliveries run on the real queue). */
async function waitFor(name: string, count = 1, timeoutMs = 15_000): Promise<Got[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await received(name);
    if (got.length >= count) return got;
    if (Date.now() > until) throw new Error(`receiver ${name} got ${got.length} of ${count}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for a verified message on `h` that matches `pick`. */
async function waitForMessage(h: { name: string; secret: string }, pick: (m: ReturnType<typeof verify>) => boolean, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await received(h.name)).map((g) => verify(h.secret, g)).find(pick);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no matching message on ${h.name}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The outbox row once its fan-out finished. */
async function waitUntilFannedOut(id: string) {
  for (let i = 0; i < 100; i++) {
    const [row] = await tenant(ws, (db) => db.select().from(outboxEvents).where(eq(outboxEvents.id, id)));
    if (row?.fannedOutAt) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`event ${id} was never fanned out`);
}

const verify = (secret: string, g: Got) => new Webhook(secret).verify(g.body, g.headers) as { type: string; data: any; id: string };

let owner: SignedUp;
let ws: string;
let member: Joined;
let viewer: Joined;
const as = (who: { token: string }, method: string, path: string, body?: unknown) =>
  call(method, path, { token: who.token, workspace: ws, body });
const asOwner = (method: string, path: string, body?: unknown) => as(owner, method, path, body);

async function createHook(events: string[], name = hookName(), extra: Record<string, unknown> = {}) {
  const r = await asOwner("POST", "/api/v1/webhooks", { url: hookUrl(name), events, description: "test", ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { name, id: r.body.id as string, secret: r.body.secret as string };
}

beforeAll(async () => {
  owner = await signup({ plan: "manager" });
  ws = owner.workspaceId;
  [member, viewer] = await Promise.all([join(owner, "member"), join(owner, "viewer")]);
});

describe("webhook endpoints", () => {
  it("creates with a whsec_ secret shown once; get, list, count and update mask it", async () => {
    const h = await createHook(["task.completed", "record.created"]);
    expect(h.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const got = await asOwner("GET", `/api/v1/webhooks/${h.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: h.id, url: hookUrl(h.name), events: ["task.completed", "record.created"], is_active: true });
    expect(got.body.secret).toMatch(/^whsec_\*{8}.{4}$/);
    expect(got.body.secret.slice(-4)).toBe(h.secret.slice(-4));
    const list = await asOwner("GET", "/api/v1/webhooks?limit=100");
    expect(list.status).toBe(200);
    expect(list.body.map((w: { id: string }) => w.id)).toContain(h.id);
    expect(JSON.stringify(list.body)).not.toContain(h.secret);
    const upd = await asOwner("PUT", `/api/v1/webhooks/${h.id}`, { events: ["*"], description: "all" });
    expect(upd.body).toMatchObject({ events: ["*"], description: "all" });
    expect(upd.body.secret).not.toBe(h.secret);
  });

  it("filters and counts by is_active; toggle flips it; delete removes it", async () => {
    const a = await createHook(["task.created"]);
    const off = await asOwner("POST", `/api/v1/webhooks/${a.id}/toggle`);
    expect(off.body.is_active).toBe(false);
    const inactive = await asOwner("GET", "/api/v1/webhooks?is_active=false");
    expect(inactive.body.every((w: { is_active: boolean }) => !w.is_active)).toBe(true);
    expect(inactive.body.map((w: { id: string }) => w.id)).toContain(a.id);
    const total = (await asOwner("GET", "/api/v1/webhooks/count")).body.count;
    const active = (await asOwner("GET", "/api/v1/webhooks/count?is_active=true")).body.count;
    const inactiveCount = (await asOwner("GET", "/api/v1/webhooks/count?is_active=false")).body.count;
    expect(active + inactiveCount).toBe(total);
    expect((await asOwner("POST", `/api/v1/webhooks/${a.id}/toggle`)).body.is_active).toBe(true);
    expect((await asOwner("DELETE", `/api/v1/webhooks/${a.id}`)).status).toBe(204);
    expect((await asOwner("GET", `/api/v1/webhooks/${a.id}`)).status).toBe(404);
    expect((await asOwner("GET", "/api/v1/webhooks?is_active=maybe")).status).toBe(422);
  });

  it("refuses unknown event types with 422 listing the valid ones, and writes nothing", async () => {
    const before = (await asOwner("GET", "/api/v1/webhooks/count")).body.count;
    const r = await asOwner("POST", "/api/v1/webhooks", { url: hookUrl(hookName()), events: ["task.completed", "task.exploded"] });
    expect(r.status).toBe(422);
    expect(r.body.detail[0]).toMatchObject({ loc: ["body", "events"], type: "unknown_event_type" });
    expect(r.body.detail[0].msg).toContain("task.exploded");
    expect(r.body.detail[0].msg).toContain("record.created");
    expect((await asOwner("POST", "/api/v1/webhooks", { url: hookUrl(hookName()), events: ["*", "task.created"] })).status).toBe(422);
    expect((await asOwner("POST", "/api/v1/webhooks", { url: hookUrl(hookName()), events: [] })).status).toBe(422);
    expect((await asOwner("GET", "/api/v1/webhooks/count")).body.count).toBe(before);
  });

  it("refuses URLs that break the outbound rules with 422 naming the rule", async () => {
    const cases: [string, string][] = [
      ["http://example.com/hook", "https_only"],
      ["ftp://example.com/hook", "https_only"],
      ["https://10.0.0.8/hook", "private_address"],
      ["https://192.168.1.1/hook", "private_address"],
      ["https://169.254.169.254/latest/meta-data", "private_address"],
      ["https://100.64.0.1/hook", "private_address"],
      ["https://[fd00::1]/hook", "private_address"],
      ["https://[::ffff:10.0.0.1]/hook", "private_address"],
      ["https://[::10.0.0.1]/hook", "private_address"],
      ["https://[::169.254.169.254]/hook", "private_address"],
      ["https://[64:ff9b::a00:1]/hook", "private_address"],
      ["https://[2002:a00:1::]/hook", "private_address"],
      ["https://intranet../hook", "internal_name"],
      ["https://svc.test/hook", "internal_name"],
      ["https://1.0.0.10.in-addr.arpa/hook", "internal_name"],
      ["https://hidden.onion/hook", "internal_name"],
      ["https://0.0.0.0/hook", "private_address"],
      ["https://metadata.google.internal/computeMetadata", "internal_name"],
      ["https://intranet/hook", "internal_name"],
      ["https://printer.local/hook", "internal_name"],
      ["https://user:pass@example.com/hook", "credentials"],
      ["not a url", "malformed"],
    ];
    for (const [url, rule] of cases) {
      const r = await asOwner("POST", "/api/v1/webhooks", { url, events: ["*"] });
      expect(r.status, url).toBe(422);
      expect(r.body.detail[0], url).toMatchObject({ loc: ["body", "url"], type: `outbound_url.${rule}` });
    }
    const ok = await asOwner("POST", "/api/v1/webhooks", { url: "https://hooks.example.com/atrium", events: ["*"], is_active: false });
    expect(ok.status).toBe(201);
    const bad = await asOwner("PUT", `/api/v1/webhooks/${ok.body.id}`, { url: "https://10.1.1.1/x" });
    expect(bad.status).toBe(422);
    expect((await asOwner("GET", `/api/v1/webhooks/${ok.body.id}`)).body.url).toBe("https://hooks.example.com/atrium");
    // Not reachable offline: gone before any event is sent to it.
    expect((await asOwner("DELETE", `/api/v1/webhooks/${ok.body.id}`)).status).toBe(204);
  });

  it("allows loopback only where the development setting allows it, and never in production", () => {
    const dev = { ALLOW_LOOPBACK_URLS: "true", ENVIRONMENT: "development" };
    const prod = { ALLOW_LOOPBACK_URLS: "true", ENVIRONMENT: "production" };
    const off = { ALLOW_LOOPBACK_URLS: undefined, ENVIRONMENT: "development" };
    expect(outboundViolation("http://127.0.0.1:9999/x", dev)).toBeNull();
    expect(outboundViolation("http://localhost:9999/x", dev)).toBeNull();
    expect(outboundViolation("http://127.0.0.1:9999/x", prod)?.rule).toBe("https_only");
    expect(outboundViolation("https://127.0.0.1/x", off)?.rule).toBe("private_address");
    expect(outboundViolation("https://[::1]/x", off)?.rule).toBe("private_address");
    expect(outboundViolation("https://localhost/x", off)?.rule).toBe("internal_name");
    // WHATWG parsing normalises the numeric spellings of 127.0.0.1 before the check.
    expect(outboundViolation("https://2130706433/x", off)?.rule).toBe("private_address");
    expect(outboundViolation("https://0x7f.1/x", off)?.rule).toBe("private_address");
    expect(outboundViolation("https://api.example.com/x", off)).toBeNull();
    expect(outboundViolation("https://8.8.8.8/x", off)).toBeNull();
  });

  it("serves the event catalogue with a JSON Schema per event", async () => {
    const r = await as(member, "GET", "/api/v1/webhooks/event-types");
    expect(r.status).toBe(200);
    const types = r.body.map((e: { type: string }) => e.type);
    for (const t of [
      "task.created",
      "task.completed",
      "channel.message.created",
      "chat.message.created",
      "record.created",
      "record.updated",
    ]) {
      expect(types).toContain(t);
    }
    const completed = r.body.find((e: { type: string }) => e.type === "task.completed");
    expect(completed.schema).toMatchObject({ type: "object", properties: { task: { type: "object" } } });
  });

  it("is for managers only: members and viewers get 403, another workspace's webhook is 404", async () => {
    const h = await createHook(["*"]);
    for (const who of [member, viewer]) {
      expect((await as(who, "GET", "/api/v1/webhooks")).status).toBe(403);
      expect((await as(who, "GET", `/api/v1/webhooks/${h.id}`)).status).toBe(403);
      expect((await as(who, "POST", "/api/v1/webhooks", { url: hookUrl(hookName()), events: ["*"] })).status).toBe(403);
      expect((await as(who, "DELETE", `/api/v1/webhooks/${h.id}`)).status).toBe(403);
    }
    const other = await signup();
    const theirs = (k: string, method = "GET", body?: unknown) =>
      call(method, `/api/v1/webhooks/${h.id}${k}`, { token: other.token, workspace: other.workspaceId, body });
    expect((await theirs("")).status).toBe(404);
    expect((await theirs("", "PUT", { description: "mine" })).status).toBe(404);
    expect((await theirs("/toggle", "POST")).status).toBe(404);
    expect((await theirs("/regenerate-secret", "POST", {})).status).toBe(404);
    expect((await theirs("/test", "POST", {})).status).toBe(404);
    expect((await theirs("/deliveries")).status).toBe(404);
    expect((await theirs("", "DELETE")).status).toBe(404);
    expect((await asOwner("GET", `/api/v1/webhooks/${h.id}`)).body.description).toBe("test");
    expect((await asOwner("GET", "/api/v1/webhooks/not-a-uuid")).status).toBe(404);
  });
});

describe("events from real actions", () => {
  it("a completed task arrives signed, verifies with standardwebhooks, and unsubscribed events do not", async () => {
    const h = await createHook(["task.completed"]);
    const t = await asOwner("POST", "/api/v1/tasks", { title: "Ship the release", assignee_ids: [member.memberId] });
    expect(t.status).toBe(201);
    const done = await asOwner("POST", `/api/v1/tasks/${t.body.id}/complete`, { comment: "done" });
    expect(done.status).toBe(200);
    const [got] = await waitFor(h.name);
    const msg = verify(h.secret, got as Got);
    expect(msg).toMatchObject({
      type: "task.completed",
      data: {
        task: { id: t.body.id, title: "Ship the release", status: "completed", assignee_member_ids: [member.memberId] },
        comment: "done",
      },
    });
    expect(got?.headers["webhook-id"]).toBe(msg.id);
    expect(got?.headers["content-type"]).toBe("application/json");
    // A wrong secret does not verify.
    expect(() => new Webhook(`whsec_${btoa("x".repeat(24))}`).verify(got?.body ?? "", got?.headers ?? {})).toThrow();
    // task.created was emitted too, but this endpoint did not subscribe to it.
    await new Promise((r) => setTimeout(r, 500));
    expect((await received(h.name)).length).toBe(1);
    const deliveries = await asOwner("GET", `/api/v1/webhooks/${h.id}/deliveries`);
    expect(deliveries.body.items).toHaveLength(1);
    expect(deliveries.body.items[0]).toMatchObject({
      event_type: "task.completed",
      status: "succeeded",
      attempts: 1,
      last_status_code: 200,
    });
  });

  it('"*" receives channel messages and record changes, each with its own webhook-id', async () => {
    const h = await createHook(["*"]);
    const ch = await asOwner("POST", "/api/v1/channels", { name: `hooks-${hookName()}` });
    expect(ch.status).toBe(201);
    const m = await asOwner("POST", `/api/v1/channels/${ch.body.slug}/messages`, { content: "hello hooks" });
    expect(m.status).toBe(201);
    const rs = await tenant(ws, async (db) => {
      const [r] = await db
        .insert(recordsets)
        .values({ slug: `rs-${hookName()}`, name: "Deals", fields: [{ key: "name", name: "Name", type: "text", is_primary: true }] })
        .returning();
      return r!;
    });
    const rec = await asOwner("POST", "/api/v1/records", { recordset_id: rs.id, field_values: { name: "Acme" } });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const upd = await asOwner("PUT", `/api/v1/records/${rec.body.id}`, { field_values: { name: "Acme Inc" } });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect((await asOwner("DELETE", `/api/v1/records/${rec.body.id}`)).status).toBe(204);
    const got = (await waitFor(h.name, 4)).map((g) => verify(h.secret, g));
    const byType = Object.fromEntries(got.map((g) => [g.type, g]));
    expect(byType["channel.message.created"]?.data).toMatchObject({
      channel: { id: ch.body.id, slug: ch.body.slug },
      message: { id: m.body.id, content: "hello hooks" },
    });
    expect(byType["record.created"]?.data.record).toMatchObject({ id: rec.body.id, field_values: { name: "Acme" }, version: 1 });
    expect(byType["record.updated"]?.data).toMatchObject({ changed_fields: ["name"], record: { version: 2 } });
    expect(byType["record.deleted"]?.data.record).toEqual({ id: rec.body.id, recordset_id: rs.id });
    expect(new Set(got.map((g) => g.id)).size).toBe(got.length);
  });

  it("a rolled-back change leaves no event; a committed one left unpublished is published by the sweep", async () => {
    const ctx = createContext({ env, requestId: "rollback-test", waitUntil: () => {} });
    const before = await tenant(ws, async (db) => (await db.select({ n: sql<number>`count(*)::int` }).from(outboxEvents))[0]!.n);
    await expect(
      tenant(ws, (db) =>
        db.transaction(async (tx) => {
          await emitEvent(ctx, tx, "member.joined", { member: { id: crypto.randomUUID(), user_id: null, email: null, role: "member" } });
          throw new Error("the change failed");
        }),
      ),
    ).rejects.toThrow("the change failed");
    expect(await tenant(ws, async (db) => (await db.select({ n: sql<number>`count(*)::int` }).from(outboxEvents))[0]!.n)).toBe(before);

    // A Worker that died after its commit: the row is there, never published.
    const h = await createHook(["member.joined"]);
    const id = await tenant(ws, (db) =>
      db.transaction((tx) =>
        emitEvent(ctx, tx, "member.joined", {
          member: { id: crypto.randomUUID(), user_id: null, email: "ghost@example.com", role: "member" },
        }),
      ),
    );
    expect((await received(h.name)).length).toBe(0);
    const cron = createContext({ env, requestId: "sweep", actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
    try {
      // Another file's cron may sweep every workspace at the same time, so the count is not asserted.
      await sweepEvents(cron);
    } finally {
      await cron.connections.close();
    }
    // Earlier joins' events may still be on their way to fan-out (it runs when the queue hands it over).
    const ghost = await waitForMessage(h, (m) => m.id === id);
    expect(ghost).toMatchObject({ type: "member.joined", data: { member: { email: "ghost@example.com" } } });
    const [row] = await tenant(ws, (db) => db.select().from(outboxEvents).where(eq(outboxEvents.id, id)));
    expect(row?.publishedAt).toBeInstanceOf(Date);
  });

  it("an event whose published message never reached fan-out is published again by the sweep", async () => {
    const ctx = createContext({ env, requestId: "lost-message", waitUntil: () => {} });
    const h = await createHook(["member.joined"]);
    const email = `lost-${hookName()}@example.com`;
    const id = await tenant(ws, (db) =>
      db.transaction((tx) =>
        emitEvent(ctx, tx, "member.joined", { member: { id: crypto.randomUUID(), user_id: null, email, role: "member" } }),
      ),
    );
    // Published two hours ago, and the message dead-lettered: no consumer ever fanned it out.
    await tenant(ws, (db) =>
      db
        .update(outboxEvents)
        .set({ publishedAt: new Date(Date.now() - 2 * 3_600_000) })
        .where(eq(outboxEvents.id, id)),
    );
    const cron = createContext({ env, requestId: "sweep-lost", actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
    try {
      await sweepEvents(cron);
    } finally {
      await cron.connections.close();
    }
    expect(await waitForMessage(h, (m) => m.id === id)).toMatchObject({ data: { member: { email } } });
    const row = await waitUntilFannedOut(id);
    expect(row.publishedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Once fanned out, later sweeps leave it alone: one delivery per endpoint, ever.
    const again = createContext({ env, requestId: "sweep-again", actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
    try {
      await sweepEvents(again);
    } finally {
      await again.connections.close();
    }
    const copies = await tenant(ws, (db) =>
      db.select().from(webhookDeliveries).where(sql`${webhookDeliveries.eventId} = ${id} and ${webhookDeliveries.endpointId} = ${h.id}`),
    );
    expect(copies).toHaveLength(1);
  });

  it("a person joining is member.joined", async () => {
    const h = await createHook(["member.joined"]);
    const j = await join(owner, "member");
    const joined = await waitForMessage(h, (m) => m.data.member.user_id === j.userId);
    expect(joined.data.member).toMatchObject({ id: j.memberId, user_id: j.userId, role: "member" });
  });
});

/** Runs one delivery attempt through the real queue consumer, as the queue would. */
async function runAttempt(deliveryId: string, attempt: number) {
  const body: QueueMessage = { type: "webhook.deliver", workspace_id: ws, delivery_id: deliveryId, attempt };
  const batch = createMessageBatch("atrium-webhooks", [{ id: `m-${deliveryId}-${attempt}`, timestamp: new Date(), attempts: 1, body }]);
  const ectx = createExecutionContext();
  await queue(batch as never, env, ectx);
  return (await getQueueResult(batch, ectx)) as unknown as { explicitAcks: string[]; retryMessages: unknown[] };
}

const deliveryRow = (id: string) =>
  tenant(ws, async (db) => (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!);

describe("delivery: retries, dead letters, auto-disable, redelivery", () => {
  it("retries on the Svix schedule with jitter and ends dead after the eighth attempt", async () => {
    const h = await createHook(["task.created"]);
    await misbehave(h.name, { fail: -1, status: 500 });
    expect((await asOwner("POST", "/api/v1/tasks", { title: "Never lands" })).status).toBe(201);
    await waitFor(h.name, 1);
    // Attempt 1 ran on the real queue and failed; the next ones are driven here instead of waiting.
    const list = await asOwner("GET", `/api/v1/webhooks/${h.id}/deliveries`);
    const d = list.body.items[0];
    for (let attempt = 2; attempt <= RETRY_DELAYS_SECONDS.length + 1; attempt++) {
      const row = await deliveryRow(d.id);
      if (attempt > RETRY_DELAYS_SECONDS.length) {
        expect(row.status).toBe("dead");
        expect(row.nextAttemptAt).toBeNull();
        break;
      }
      expect(row.status).toBe("pending");
      expect(row.attempts).toBe(attempt - 1);
      const wait = ((row.nextAttemptAt?.getTime() ?? 0) - row.updatedAt.getTime()) / 1000;
      const base = RETRY_DELAYS_SECONDS[attempt - 1] as number;
      expect(wait, `delay before attempt ${attempt}`).toBeGreaterThanOrEqual(base * 0.9 - 1);
      expect(wait, `delay before attempt ${attempt}`).toBeLessThanOrEqual(base * 1.1 + 1);
      const r = await runAttempt(d.id, attempt);
      expect(r.explicitAcks).toHaveLength(1);
    }
    const detail = await asOwner("GET", `/api/v1/webhooks/${h.id}/deliveries/${d.id}`);
    expect(detail.body.status).toBe("dead");
    expect(detail.body.attempt_log).toHaveLength(8);
    expect(detail.body.attempt_log.every((a: { status_code: number; success: boolean }) => a.status_code === 500 && !a.success)).toBe(true);
    expect(detail.body.payload).toMatchObject({ type: "task.created" });
    // All attempts carried the same webhook-id, so the receiver could deduplicate.
    const got = await received(h.name);
    expect(new Set(got.map((g) => g.headers["webhook-id"])).size).toBe(1);
  });

  it("a duplicate or stale attempt message sends nothing", async () => {
    const h = await createHook(["task.created"]);
    await asOwner("POST", "/api/v1/tasks", { title: "Once" });
    await waitFor(h.name, 1);
    const d = (await asOwner("GET", `/api/v1/webhooks/${h.id}/deliveries`)).body.items[0];
    await runAttempt(d.id, 1);
    await runAttempt(d.id, 2);
    expect((await received(h.name)).length).toBe(1);
    expect((await deliveryRow(d.id)).status).toBe("succeeded");
  });

  it("a receiver that closes the connection is retried, then recovers; success clears the failure clock", async () => {
    const h = await createHook(["task.created"]);
    await misbehave(h.name, { fail: 1, mode: "close" });
    await asOwner("POST", "/api/v1/tasks", { title: "Flaky receiver" });
    await waitFor(h.name, 1);
    const d = (await asOwner("GET", `/api/v1/webhooks/${h.id}/deliveries`)).body.items[0];
    let row = await deliveryRow(d.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.lastError).toMatch(/connection failed/);
    expect((await asOwner("GET", `/api/v1/webhooks/${h.id}`)).body.failing_since).not.toBeNull();
    // The real queue delivers attempt 2 about 5 s later.
    const got = await waitFor(h.name, 2, 20_000);
    expect(got[1]?.headers["webhook-id"]).toBe(got[0]?.headers["webhook-id"]);
    row = await deliveryRow(d.id);
    expect(row).toMatchObject({ status: "succeeded", attempts: 2 });
    const ep = (await asOwner("GET", `/api/v1/webhooks/${h.id}`)).body;
    expect(ep.failing_since).toBeNull();
    expect(ep.last_success_at).not.toBeNull();
  });

  it("after 5 days of continuous failure the endpoint is disabled and the admins are emailed", async () => {
    const h = await createHook(["task.created"]);
    await misbehave(h.name, { fail: -1, status: 503 });
    await tenant(ws, (db) =>
      db
        .update(webhookEndpoints)
        .set({ failingSince: new Date(Date.now() - 5 * 86_400_000 - 60_000) })
        .where(eq(webhookEndpoints.id, h.id)),
    );
    await asOwner("POST", "/api/v1/tasks", { title: "Into the void" });
    await waitFor(h.name, 1);
    let ep = (await asOwner("GET", `/api/v1/webhooks/${h.id}`)).body;
    for (let i = 0; i < 50 && ep.is_active; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ep = (await asOwner("GET", `/api/v1/webhooks/${h.id}`)).body;
    }
    expect(ep.is_active).toBe(false);
    expect(ep.disabled_reason).toMatch(/failed since/);
    const mail = await lastEmail(owner.email, "webhook_disabled");
    expect(mail?.data).toMatchObject({ webhook_id: h.id, workspace_id: ws });
    // Events after that are not delivered to it; re-enabling restarts the clock.
    const on = (await asOwner("POST", `/api/v1/webhooks/${h.id}/toggle`)).body;
    expect(on).toMatchObject({ is_active: true, failing_since: null, disabled_reason: null });
  });

  it("redelivers one delivery, and every dead one since a time, with the same webhook-id", async () => {
    const h = await createHook(["task.created"]);
    await misbehave(h.name, { fail: -1, status: 500 });
    await asOwner("POST", "/api/v1/tasks", { title: "Lost then found" });
    await waitFor(h.name, 1);
    const d = (await asOwner("GET", `/api/v1/webhooks/${h.id}/deliveries`)).body.items[0];
    await tenant(ws, (db) =>
      db.update(webhookDeliveries).set({ status: "dead", nextAttemptAt: null }).where(eq(webhookDeliveries.id, d.id)),
    );
    expect((await asOwner("GET", `/api/v1/webhooks/${h.id}/deliveries?status=dead`)).body.total).toBe(1);
    await misbehave(h.name, { fail: 0 });
    const again = await asOwner("POST", `/api/v1/webhooks/${h.id}/deliveries/${d.id}/redeliver`);
    expect(again.status).toBe(202);
    const got = await waitFor(h.name, 2);
    expect(got[1]?.headers["webhook-id"]).toBe(got[0]?.headers["webhook-id"]);
    expect(verify(h.secret, got[1] as Got).type).toBe("task.created");
    await tenant(ws, (db) => db.update(webhookDeliveries).set({ status: "dead" }).where(eq(webhookDeliveries.id, d.id)));
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const bulk = await asOwner("POST", `/api/v1/webhooks/${h.id}/redeliver-failed`, { since });
    expect(bulk.body).toEqual({ queued: 1 });
    await waitFor(h.name, 3);
    expect((await asOwner("POST", `/api/v1/webhooks/${h.id}/redeliver-failed`, { since: "yesterday" })).status).toBe(422);
    expect((await asOwner("POST", `/api/v1/webhooks/${h.id}/deliveries/${crypto.randomUUID()}/redeliver`)).status).toBe(404);
  });
});

describe("test sends and secret rotation", () => {
  it("a test send answers with what the receiver said, and refuses unknown event types", async () => {
    const h = await createHook(["*"]);
    const ok = await asOwner("POST", `/api/v1/webhooks/${h.id}/test`, { event: "task.completed", payload: { hello: "world" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, status_code: 200 });
    const [got] = await received(h.name);
    expect(verify(h.secret, got as Got)).toMatchObject({ type: "task.completed", data: { hello: "world" } });
    expect(got?.headers["webhook-id"]).toMatch(/^test_/);
    await misbehave(h.name, { fail: 1, status: 418 });
    const bad = await asOwner("POST", `/api/v1/webhooks/${h.id}/test`, {});
    expect(bad.body).toMatchObject({ success: false, status_code: 418 });
    // Test sends do not start the failure clock that disables endpoints.
    expect((await asOwner("GET", `/api/v1/webhooks/${h.id}`)).body.failing_since).toBeNull();
    // A failed test send is logged (dead, never retried) and not re-sent with the failed events.
    expect((await asOwner("GET", `/api/v1/webhooks/${h.id}/deliveries/${bad.body.delivery_id}`)).body).toMatchObject({
      status: "dead",
      attempts: 1,
    });
    const since = new Date(Date.now() - 60_000).toISOString();
    expect((await asOwner("POST", `/api/v1/webhooks/${h.id}/redeliver-failed`, { since })).body).toEqual({ queued: 0 });
    expect((await asOwner("POST", `/api/v1/webhooks/${h.id}/test`, { event: "nope.never" })).status).toBe(422);
    expect((await asOwner("POST", `/api/v1/webhooks/${h.id}/test`, { event: "*" })).status).toBe(422);
  });

  it("a test send whose request died mid-send is ended dead by the sweep, never retried", async () => {
    const h = await createHook(["*"]);
    const [d] = await tenant(ws, (db) =>
      db
        .insert(webhookDeliveries)
        .values({
          endpointId: h.id,
          messageId: `test_${crypto.randomUUID()}`,
          eventType: "webhook.test",
          payload: JSON.stringify({ type: "webhook.test", data: {} }),
          status: "delivering",
          attempts: 1,
          leaseUntil: new Date(Date.now() - 1000),
        })
        .returning(),
    );
    const cron = createContext({ env, requestId: "sweep-test-send", actor: { kind: "system", name: "cron" }, waitUntil: () => {} });
    try {
      await sweepEvents(cron);
    } finally {
      await cron.connections.close();
    }
    expect(await deliveryRow(d!.id)).toMatchObject({ status: "dead", leaseUntil: null, nextAttemptAt: null });
    await new Promise((r) => setTimeout(r, 500));
    expect(await received(h.name)).toEqual([]);
  });

  it("during the overlap window both secrets verify; with no overlap only the new one does", async () => {
    const h = await createHook(["*"]);
    const rotated = await asOwner("POST", `/api/v1/webhooks/${h.id}/regenerate-secret`, { overlap_seconds: 3600 });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(h.secret);
    expect(rotated.body.previous_secret_expires_at).not.toBeNull();
    await asOwner("POST", `/api/v1/webhooks/${h.id}/test`, {});
    const [during] = await received(h.name);
    expect(during?.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(verify(h.secret, during as Got).type).toBe("webhook.test");
    expect(verify(fresh, during as Got).type).toBe("webhook.test");

    const now = await asOwner("POST", `/api/v1/webhooks/${h.id}/regenerate-secret`, { overlap_seconds: 0 });
    const newest = now.body.secret as string;
    expect(now.body.previous_secret_expires_at).toBeNull();
    await asOwner("POST", `/api/v1/webhooks/${h.id}/test`, {});
    const after = (await received(h.name))[1] as Got;
    expect(after.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(verify(newest, after).type).toBe("webhook.test");
    expect(() => verify(fresh, after)).toThrow();
    expect(() => verify(h.secret, after)).toThrow();
    expect((await asOwner("POST", `/api/v1/webhooks/${h.id}/regenerate-secret`, { overlap_seconds: 8 * 86_400 })).status).toBe(422);
  });
});

describe("who receives what: an endpoint sees only what its creator may see", () => {
  /** Deliveries made for `endpointId` whose payload contains `text` (fan-out decided by then). */
  const deliveriesOf = (endpointId: string, text: string) =>
    tenant(ws, (db) =>
      db
        .select({ type: webhookDeliveries.eventType })
        .from(webhookDeliveries)
        .where(sql`${webhookDeliveries.endpointId} = ${endpointId} and ${webhookDeliveries.payload} like ${`%${text}%`}`),
    );
  const grant = (allowed: boolean) => asOwner("PATCH", "/api/v1/permissions/roles/member", { permission: "can_manage_webhooks", allowed });

  it("private channels reach a member's endpoint only once they can open the channel; AI chats only their owner's", async () => {
    expect((await grant(true)).status).toBe(200);
    try {
      const ownerHook = await createHook(["*"]);
      const name = hookName();
      const created = await as(member, "POST", "/api/v1/webhooks", { url: hookUrl(name), events: ["*"] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const memberHook = { name, id: created.body.id as string, secret: created.body.secret as string };

      const secret = (await asOwner("POST", "/api/v1/channels", { name: `priv-${hookName()}`, is_private: true })).body;
      const open = (await asOwner("POST", "/api/v1/channels", { name: `pub-${hookName()}` })).body;
      const tag = hookName();
      expect((await asOwner("POST", `/api/v1/channels/${secret.slug}/messages`, { content: `secret ${tag}` })).status).toBe(201);
      expect((await asOwner("POST", `/api/v1/channels/${open.slug}/messages`, { content: `news ${tag}` })).status).toBe(201);
      await waitForMessage(ownerHook, (m) => m.data.message?.content === `secret ${tag}`);
      await waitForMessage(memberHook, (m) => m.data.message?.content === `news ${tag}`);
      expect(await deliveriesOf(memberHook.id, `secret ${tag}`)).toEqual([]);

      // Made a participant, the member's endpoint gets the channel's next messages.
      expect((await asOwner("POST", `/api/v1/channels/${secret.slug}/members`, { member_id: member.memberId })).status).toBe(200);
      expect((await asOwner("POST", `/api/v1/channels/${secret.slug}/messages`, { content: `later ${tag}` })).status).toBe(201);
      await waitForMessage(memberHook, (m) => m.data.message?.content === `later ${tag}`);

      // A person's AI chat goes to their own endpoints only, even an owner's chat and an owner's "*".
      const mine = (await asOwner("POST", "/api/v1/chat/conversations", { title: "Diary" })).body;
      expect(
        (await asOwner("POST", `/api/v1/chat/conversations/${mine.id}/messages`, { role: "user", content: `diary ${tag}` })).status,
      ).toBe(200);
      const theirs = (await as(member, "POST", "/api/v1/chat/conversations", { title: "Notes" })).body;
      expect(
        (await as(member, "POST", `/api/v1/chat/conversations/${theirs.id}/messages`, { role: "user", content: `notes ${tag}` })).status,
      ).toBe(200);
      const diary = await waitForMessage(ownerHook, (m) => m.data.message?.content === `diary ${tag}`);
      expect(diary).toMatchObject({ type: "chat.message.created", data: { conversation_id: mine.id, message: { role: "user" } } });
      await waitForMessage(memberHook, (m) => m.data.message?.content === `notes ${tag}`);
      expect(await deliveriesOf(memberHook.id, `diary ${tag}`)).toEqual([]);
      expect(await deliveriesOf(ownerHook.id, `notes ${tag}`)).toEqual([]);
    } finally {
      expect((await grant(false)).status).toBe(200);
    }
  });

  it("AI employees' runs end as employee.run.completed/failed, seen by who gave the work and by managers of employees", async () => {
    /** Scripts the local model server: requests containing `match` get these replies. */
    const script = async (match: string, replies: Record<string, unknown>[]) => {
      const r = await fetch(`${new URL(inject("stack").aiUrl).origin}/__script`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ match, replies }),
      });
      expect(r.status).toBeLessThan(300);
    };
    expect((await grant(true)).status).toBe(200);
    try {
      const ownerHook = await createHook(["employee.run.completed", "employee.run.failed"]);
      const name = hookName();
      const created = await as(member, "POST", "/api/v1/webhooks", { url: hookUrl(name), events: ["*"] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const memberHook = { name, id: created.body.id as string, secret: created.body.secret as string };
      const good = `good-${hookName()}`;
      const bad = `bad-${hookName()}`;
      await script(good, [{ content: "All done." }]);
      await script(bad, [{ status: 400 }]);
      const ok = await asOwner("POST", "/api/v1/agents/atlas/run", { instruction: `Summarise ${good}` });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      const failed = await as(member, "POST", "/api/v1/agents/atlas/run", { instruction: `Summarise ${bad}` });
      expect(failed.status).toBeGreaterThanOrEqual(400);
      const done = await waitForMessage(ownerHook, (m) => m.data.run?.id === ok.body.id);
      expect(done).toMatchObject({
        type: "employee.run.completed",
        data: { run: { status: "completed", output: "All done.", source: "api", invoked_by_member_id: expect.any(String) } },
      });
      const lost = await waitForMessage(
        ownerHook,
        (m) => m.type === "employee.run.failed" && m.data.run.invoked_by_member_id === member.memberId,
      );
      expect(lost.data.run).toMatchObject({ status: "failed", output: null, error: expect.any(String) });
      // The member sees their own run's end, not the owner's.
      await waitForMessage(memberHook, (m) => m.data.run?.id === lost.data.run.id);
      expect(await deliveriesOf(memberHook.id, ok.body.id)).toEqual([]);
    } finally {
      expect((await grant(false)).status).toBe(200);
    }
  });

  it("another manager who redirects an endpoint becomes whom it acts as: no private events, no old payloads, no re-sends", async () => {
    expect((await grant(true)).status).toBe(200);
    try {
      const h = await createHook(["*"]);
      const secret = (await asOwner("POST", "/api/v1/channels", { name: `priv-${hookName()}`, is_private: true })).body;
      const open = (await asOwner("POST", "/api/v1/channels", { name: `pub-${hookName()}` })).body;
      const tag = hookName();
      expect((await asOwner("POST", `/api/v1/channels/${secret.slug}/messages`, { content: `before ${tag}` })).status).toBe(201);
      await waitForMessage(h, (m) => m.data.message?.content === `before ${tag}`);
      const [old] = await tenant(ws, (db) =>
        db
          .select()
          .from(webhookDeliveries)
          .where(sql`${webhookDeliveries.endpointId} = ${h.id} and ${webhookDeliveries.payload} like ${`%before ${tag}%`}`),
      );
      const detail = (who: { token: string }) => as(who, "GET", `/api/v1/webhooks/${h.id}/deliveries/${old!.id}`);
      expect((await detail(owner)).body.payload.data.message.content).toBe(`before ${tag}`);
      const theirs = await detail(member);
      expect(theirs.status).toBe(200);
      expect(theirs.body.payload).toBeNull();

      // The member points the owner's endpoint at their own server: it now acts as them.
      const mine = hookName();
      const moved = await as(member, "PUT", `/api/v1/webhooks/${h.id}`, { url: hookUrl(mine) });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.created_by_member_id).toBe(member.memberId);
      expect((await asOwner("POST", `/api/v1/channels/${secret.slug}/messages`, { content: `after ${tag}` })).status).toBe(201);
      expect((await asOwner("POST", `/api/v1/channels/${open.slug}/messages`, { content: `public ${tag}` })).status).toBe(201);
      await waitForMessage({ name: mine, secret: h.secret }, (m) => m.data.message?.content === `public ${tag}`);
      expect(await deliveriesOf(h.id, `after ${tag}`)).toEqual([]);

      // Re-sending the owner's old private delivery to the new URL is refused at the attempt.
      expect((await as(member, "POST", `/api/v1/webhooks/${h.id}/deliveries/${old!.id}/redeliver`)).status).toBe(202);
      let row = await deliveryRow(old!.id);
      for (let i = 0; i < 100 && row.status !== "dead"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        row = await deliveryRow(old!.id);
      }
      expect(row).toMatchObject({ status: "dead", lastError: expect.stringMatching(/may not see/) });
      expect((await received(mine)).some((g) => g.body.includes(`before ${tag}`))).toBe(false);
    } finally {
      expect((await grant(false)).status).toBe(200);
    }
  });

  it("API keys need the admin scope for webhooks, reads included", async () => {
    const key = async (scopes: string[]) => {
      const r = await asOwner("POST", "/api/v1/api-keys", { name: `hooks ${scopes.join("+")}`, scopes });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.key as string;
    };
    const rw = await key(["read", "write"]);
    const before = (await asOwner("GET", "/api/v1/webhooks/count")).body.count;
    const body = { url: hookUrl(hookName()), events: ["*"] };
    const refused = await call("POST", "/api/v1/webhooks", { token: rw, workspace: ws, body });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain("admin");
    expect((await call("GET", "/api/v1/webhooks", { token: rw, workspace: ws })).status).toBe(403);
    expect((await asOwner("GET", "/api/v1/webhooks/count")).body.count).toBe(before);
    const admin = await key(["read", "write", "admin"]);
    expect((await call("POST", "/api/v1/webhooks", { token: admin, workspace: ws, body })).status).toBe(201);
  });
});

const W = "0190c5b2-1111-7000-8000-000000000000";
describeSecurity("webhooks", [
  { method: "GET", path: "/api/v1/webhooks", workspace: true },
  { method: "GET", path: "/api/v1/webhooks/count", workspace: true },
  { method: "GET", path: "/api/v1/webhooks/event-types", workspace: true },
  { method: "POST", path: "/api/v1/webhooks", body: { url: "https://example.com/x", events: ["*"] }, workspace: true },
  { method: "GET", path: `/api/v1/webhooks/${W}`, workspace: true },
  { method: "PUT", path: `/api/v1/webhooks/${W}`, body: { description: "x" }, workspace: true },
  { method: "DELETE", path: `/api/v1/webhooks/${W}`, workspace: true },
  { method: "POST", path: `/api/v1/webhooks/${W}/toggle`, workspace: true },
  { method: "POST", path: `/api/v1/webhooks/${W}/regenerate-secret`, body: {}, workspace: true },
  { method: "POST", path: `/api/v1/webhooks/${W}/test`, body: {}, workspace: true },
  { method: "GET", path: `/api/v1/webhooks/${W}/deliveries`, workspace: true },
  { method: "GET", path: `/api/v1/webhooks/${W}/deliveries/${W}`, workspace: true },
  { method: "POST", path: `/api/v1/webhooks/${W}/deliveries/${W}/redeliver`, workspace: true },
  { method: "POST", path: `/api/v1/webhooks/${W}/redeliver-failed`, body: { since: "2026-01-01T00:00:00Z" }, workspace: true },
]);
