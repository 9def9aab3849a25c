// Helpers of the browser tests (Node side): the API over fetch, a page on another origin, a TCP
// proxy whose connections can be cut (a network drop, for EventSource's own reconnect), Chromium.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import net from "node:net";
import pg from "pg";
import puppeteer, { type Browser } from "puppeteer-core";
import { inject } from "vitest";

export const { apiUrl, controlUrl } = inject("browserStack");

export interface Res {
  status: number;
  body: any;
}

export async function api(method: string, path: string, opts: { token?: string; workspace?: string; body?: unknown } = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.workspace) headers["x-workspace-id"] = opts.workspace;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(`${apiUrl}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

export async function expectStatus(r: Promise<Res>, status: number): Promise<any> {
  const res = await r;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

let n = 0;
const uniqueEmail = (tag: string) => `browser-${tag}-${Date.now().toString(36)}-${n++}@example.com`;

export interface Person {
  token: string;
  workspaceId: string;
  memberId: string;
}

export async function signup(): Promise<Person> {
  const body = await expectStatus(
    api("POST", "/api/v1/auth/signup", {
      body: { email: uniqueEmail("owner"), password: "correct horse battery", full_name: "Ada Lovelace", company_name: "Browsers Inc" },
    }),
    201,
  );
  const me = await expectStatus(api("GET", "/api/v1/members/me", { token: body.access_token, workspace: body.workspace.id }), 200);
  return { token: body.access_token, workspaceId: body.workspace.id, memberId: me.id };
}

/** Invites a member and accepts from the invitation email (read from the dev outbox). */
export async function join(owner: Person): Promise<Person> {
  const email = uniqueEmail("member");
  await expectStatus(
    api("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, { token: owner.token, body: { email, role: "member" } }),
    201,
  );
  const db = new pg.Client({ connectionString: controlUrl });
  await db.connect();
  let token: string;
  try {
    const r = await db.query(
      "select data from email_outbox where to_address = $1 and template = 'invitation' order by created_at desc limit 1",
      [email],
    );
    token = r.rows[0]?.data?.token;
  } finally {
    await db.end();
  }
  const accepted = await expectStatus(
    api("POST", "/api/v1/workspaces/invitations/accept", { body: { token, password: "joined password 123", full_name: "Grace Hopper" } }),
    200,
  );
  const me = await expectStatus(api("GET", "/api/v1/members/me", { token: accepted.access_token, workspace: owner.workspaceId }), 200);
  return { token: accepted.access_token, workspaceId: owner.workspaceId, memberId: me.id };
}

/** A blank page served from its own port: another origin than the API. */
export async function pageServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><html><head><title>A web app on another origin</title></head><body></body></html>");
  });
  return { url: await listen(server), close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * A TCP proxy to the API. `cut()` destroys every open connection (a dropped network: the browser
 * sees the stream fail, not end). `requests` keeps each connection's request head.
 */
export async function cuttableProxy(): Promise<{ url: string; requests: string[]; cut(): void; close(): Promise<void> }> {
  const target = new URL(apiUrl);
  const sockets = new Set<net.Socket>();
  const requests: string[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    let head = "";
    client.on("data", (d) => {
      if (!head.includes("\r\n\r\n")) {
        head += d.toString("latin1");
        if (head.includes("\r\n\r\n")) requests.push(head.slice(0, head.indexOf("\r\n\r\n")));
      }
    });
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  const url = await listen(server as unknown as Server);
  return {
    url,
    requests,
    cut: () => {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve(`http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`);
    });
  });
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
}

/** Polls `f` until it returns a truthy value. */
export async function waitFor<T>(f: () => Promise<T> | T, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
