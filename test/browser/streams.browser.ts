// Live streams from a real browser on another origin: native EventSource and WebSocket cannot
// send headers, so the page gets a stream ticket over fetch (CORS) and opens the stream with
// ?ticket=. A dropped connection makes EventSource reconnect by itself with Last-Event-ID, and
// nothing is lost or repeated.
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, apiUrl, cuttableProxy, expectStatus, join, launchBrowser, type Person, pageServer, signup, waitFor } from "./lib";

let browser: Browser;
let page: Page;
let site: Awaited<ReturnType<typeof pageServer>>;
let owner: Person;
let member: Person;

beforeAll(async () => {
  [browser, site, owner] = await Promise.all([launchBrowser(), pageServer(), signup()]);
  member = await join(owner);
  page = await browser.newPage();
  await page.goto(site.url);
  // In the page, as a web app does it: a ticket for one stream over fetch (CORS), with its access token.
  await page.evaluate(() => {
    (globalThis as any).streamTicket = async (o: { apiUrl: string; token: string; workspace: string; path: string }) => {
      const r = await fetch(`${o.apiUrl}/api/v1/auth/stream-tickets`, {
        method: "POST",
        headers: { authorization: `Bearer ${o.token}`, "x-workspace-id": o.workspace, "content-type": "application/json" },
        body: JSON.stringify({ stream: o.path }),
      });
      if (r.status !== 201) throw new Error(`ticket: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { ticket: string }).ticket;
    };
  });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

interface Seen {
  id: string;
  data: any;
}

/** In the page: a ticket over fetch, then an EventSource on `base + path?ticket=` collecting `eventName`s. */
async function openEventSource(who: Person, base: string, path: string, eventName: string) {
  await page.evaluate(
    async (o) => {
      const w = globalThis as any;
      const ticket: string = await w.streamTicket(o);
      w.seen = [];
      w.opens = 0;
      w.errors = 0;
      const es = new EventSource(`${o.base}${o.path}?ticket=${encodeURIComponent(ticket)}`);
      w.es = es;
      es.addEventListener("open", () => w.opens++);
      es.addEventListener("error", () => w.errors++);
      es.addEventListener(o.eventName, (e: any) => w.seen.push({ id: e.lastEventId, data: JSON.parse(e.data) }));
    },
    { apiUrl, token: who.token, workspace: who.workspaceId, base, path, eventName },
  );
  await waitFor(() => page.evaluate(() => (globalThis as any).opens === 1), "the EventSource to open");
}

const seen = () => page.evaluate(() => (globalThis as any).seen as Seen[]);
const opens = () => page.evaluate(() => (globalThis as any).opens as number);

/**
 * Emits `emit(1..2)`, drops the connection, emits 3..4 while the browser is away, waits for its
 * own reconnect, emits 5; the page must have seen 1..5 once each, in order, and the reconnect
 * must have carried Last-Event-ID.
 */
async function dropAndResume(
  proxy: Awaited<ReturnType<typeof cuttableProxy>>,
  emit: (i: number) => Promise<void>,
  label: (s: Seen) => string,
) {
  for (const i of [1, 2]) await emit(i);
  await waitFor(async () => (await seen()).length === 2, "events 1 and 2");
  const lastBeforeDrop = (await seen())[1]?.id;
  proxy.cut();
  await waitFor(() => page.evaluate(() => (globalThis as any).errors >= 1), "the browser to notice the drop");
  for (const i of [3, 4]) await emit(i);
  await waitFor(async () => (await opens()) === 2, "EventSource's own reconnect", 30_000);
  await emit(5);
  await waitFor(async () => (await seen()).length >= 5, "events 3, 4 and 5");
  await new Promise((r) => setTimeout(r, 300)); // anything repeated would arrive now
  const all = await seen();
  expect(all.map(label)).toEqual(["1", "2", "3", "4", "5"].map((i) => `#${i}`));
  const ids = all.map((s) => Number(s.id));
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(new Set(ids).size).toBe(5);
  const reconnect = proxy.requests.at(-1) ?? "";
  expect(reconnect.toLowerCase()).toContain(`last-event-id: ${lastBeforeDrop}`);
  expect(reconnect).toMatch(/[?&]ticket=/);
}

describe("EventSource with a stream ticket (Chromium, another origin)", () => {
  it("a channel stream delivers messages in order and resumes by itself after a dropped connection", async () => {
    const channel = await expectStatus(
      api("POST", "/api/v1/channels", { token: owner.token, workspace: owner.workspaceId, body: { name: `Browser ${Date.now()}` } }),
      201,
    );
    const proxy = await cuttableProxy();
    try {
      await openEventSource(member, proxy.url, `/api/v1/channels/${channel.slug}/stream`, "message");
      await dropAndResume(
        proxy,
        async (i) => {
          await expectStatus(
            api("POST", `/api/v1/channels/${channel.slug}/messages`, {
              token: owner.token,
              workspace: owner.workspaceId,
              body: { content: `#${i}` },
            }),
            201,
          );
        },
        (s) => s.data.content,
      );
    } finally {
      await page.evaluate(() => (globalThis as any).es?.close());
      await proxy.close();
    }
  });

  it("the notification stream delivers notifications in order and resumes by itself after a dropped connection", async () => {
    const proxy = await cuttableProxy();
    try {
      await openEventSource(member, proxy.url, "/api/v1/notifications/stream", "notification");
      await dropAndResume(
        proxy,
        async (i) => {
          const body = { title: `#${i}`, assignee_ids: [member.memberId] };
          await expectStatus(api("POST", "/api/v1/tasks", { token: owner.token, workspace: owner.workspaceId, body }), 201);
        },
        (s) => /"(.*)"/.exec(s.data.title)?.[1] ?? s.data.title,
      );
    } finally {
      await page.evaluate(() => (globalThis as any).es?.close());
      await proxy.close();
    }
  });

  it("without a ticket the stream is refused and EventSource gives up (no credentials in a URL work)", async () => {
    const state = await page.evaluate(
      (o) =>
        new Promise<number>((resolve) => {
          const es = new EventSource(`${o.apiUrl}/api/v1/notifications/stream?access_token=${o.token}`);
          es.onerror = () => setTimeout(() => resolve(es.readyState), 200);
        }),
      { apiUrl, token: member.token },
    );
    expect(state).toBe(2); // CLOSED: a 401 is final for EventSource
  });
});

describe("WebSocket with a stream ticket (Chromium, another origin)", () => {
  it("joins a channel and receives its messages live", async () => {
    const channel = await expectStatus(
      api("POST", "/api/v1/channels", { token: owner.token, workspace: owner.workspaceId, body: { name: `Socket ${Date.now()}` } }),
      201,
    );
    const path = `/api/v1/channels/${channel.slug}/ws`;
    await page.evaluate(
      async (o) => {
        const w = globalThis as any;
        const ticket: string = await w.streamTicket(o);
        w.frames = [];
        w.sock = new WebSocket(`${o.apiUrl.replace(/^http/, "ws")}${o.path}?ticket=${encodeURIComponent(ticket)}`);
        w.sock.onmessage = (m: any) => w.frames.push(m.data === "pong" ? "pong" : JSON.parse(m.data));
        await new Promise((resolve, reject) => {
          w.sock.onopen = resolve;
          w.sock.onerror = () => reject(new Error("the socket did not open"));
        });
      },
      { apiUrl, token: member.token, workspace: member.workspaceId, path },
    );
    const frames = () => page.evaluate(() => (globalThis as any).frames as any[]);
    // The member's own presence arrives once joined; then a message posted by someone else.
    await waitFor(async () => (await frames()).some((f) => f.event === "presence" && f.data.member_id === member.memberId), "own presence");
    await expectStatus(
      api("POST", `/api/v1/channels/${channel.slug}/messages`, {
        token: owner.token,
        workspace: owner.workspaceId,
        body: { content: "hello socket" },
      }),
      201,
    );
    await waitFor(
      async () => (await frames()).some((f) => f.event === "message" && f.data.content === "hello socket"),
      "the message on the socket",
    );
    // The browser's socket can talk too: ping → pong.
    await page.evaluate(() => (globalThis as any).sock.send("ping"));
    await waitFor(async () => (await frames()).includes("pong"), "pong");
    await page.evaluate(() => (globalThis as any).sock.close());
  });
});
