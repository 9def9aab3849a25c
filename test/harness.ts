// Test helpers that run inside workerd: requests go through the real Worker (exports.default).
import { env, exports } from "cloudflare:workers";
import { desc, eq } from "drizzle-orm";
import { Connections, type Db } from "../src/platform/db";
import { emailOutbox } from "../src/platform/email/tables";
import { users } from "../src/platform/identity/tables";

export { env };

const worker = (exports as unknown as { default: { fetch(r: Request): Promise<Response> } }).default;

export interface CallOptions {
  body?: unknown;
  token?: string | undefined;
  workspace?: string | undefined;
  headers?: Record<string, string>;
  raw?: BodyInit;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
  response: Response;
}

/**
 * Each test request comes from its own client address unless it names one, as API clients
 * worldwide do: per-IP limits on anonymous routes then bite only tests that send one address.
 */
export async function raw(path: string, init: RequestInit = {}): Promise<Response> {
  const req = new Request(`http://atrium.test${path}`, init);
  if (!req.headers.has("cf-connecting-ip")) req.headers.set("cf-connecting-ip", randomIp());
  return worker.fetch(req);
}

export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(4));
  return `10.${b[1]}.${b[2]}.${b[3]}`;
}

/** One JSON request through the real app. */
export async function call<T = any>(method: string, path: string, o: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.workspace) headers["x-workspace-id"] = o.workspace;
  let body: BodyInit | undefined = o.raw;
  if (o.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(o.body);
  }
  const response = await raw(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.clone().text();
  let parsed: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json") && text) parsed = JSON.parse(text);
  return { status: response.status, body: parsed as T, headers: response.headers, response };
}

let seq = 0;
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}.${Date.now().toString(36)}.${(seq++).toString(36)}.${Math.random().toString(36).slice(2, 7)}@example.com`;
}

export interface SignedUp {
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  userId: string;
  workspaceId: string;
  body: any;
}

/** Signs up a fresh user with their own workspace (and database). */
export async function signup(overrides: Record<string, unknown> = {}): Promise<SignedUp> {
  const email = (overrides.email as string) ?? uniqueEmail();
  const password = (overrides.password as string) ?? "correct horse battery";
  const r = await call("POST", "/api/v1/auth/signup", {
    body: { email, password, full_name: "Ada Lovelace", company_name: "Analytical Engines", ...overrides },
  });
  if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return {
    email,
    password,
    token: r.body.access_token,
    refreshToken: r.body.refresh_token,
    userId: r.body.user.id,
    workspaceId: r.body.workspace.id,
    body: r.body,
  };
}

/** A direct connection for looking at what the app wrote (outbox, registry, tenant DBs). */
export async function withDb<T>(url: string, f: (db: Db) => Promise<T>): Promise<T> {
  const conns = new Connections(env.DB_WS_PROXY);
  try {
    return await f(conns.open(url));
  } finally {
    await conns.close();
  }
}

export const withControl = <T>(f: (db: Db) => Promise<T>) => withDb(env.DATABASE_URL, f);

export function databaseUrl(name: string): string {
  const u = new URL(env.DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Marks a user as staff (what staff tooling would do). */
export async function makeStaff(userId: string): Promise<void> {
  await withControl((db) => db.update(users).set({ isStaff: true }).where(eq(users.id, userId)));
}

/** The newest email sent to `to` (optionally of one template). */
export async function lastEmail(to: string, template?: string) {
  return withControl(async (db) => {
    const rows = await db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.toAddress, to.toLowerCase()))
      .orderBy(desc(emailOutbox.createdAt))
      .limit(20);
    return rows.find((r) => !template || r.template === template);
  });
}

/**
 * Runs `action` and returns the email of `template` it made `to` send: for emails sent after
 * the response (password reset, activation resend), polled until it arrives.
 */
export async function nextEmail<R>(to: string, template: string, action: () => Promise<R>, timeoutMs = 5000) {
  const before = await lastEmail(to, template);
  const result = await action();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = await lastEmail(to, template);
    if (mail && mail.id !== before?.id) return { mail, result };
    if (Date.now() > deadline) throw new Error(`no new ${template} email to ${to}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Reads an SSE response to its end (or until `until` accepts an event). */
export async function readSse(res: Response, until?: (e: { id?: string; event?: string; data: any }) => boolean) {
  const events: { id?: string; event?: string; data: any }[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i = buf.indexOf("\n\n");
    while (i >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      i = buf.indexOf("\n\n");
      const e: { id?: string; event?: string; data: any } = { data: undefined };
      for (const line of block.split("\n")) {
        if (line.startsWith("id: ")) e.id = line.slice(4);
        else if (line.startsWith("event: ")) e.event = line.slice(7);
        else if (line.startsWith("data: ")) e.data = JSON.parse(line.slice(6));
      }
      if (e.data === undefined) continue;
      events.push(e);
      if (until?.(e)) {
        await reader.cancel();
        return events;
      }
    }
  }
  return events;
}

export interface Joined {
  email: string;
  password: string;
  token: string;
  userId: string;
  /** workspace_members.id (control database). */
  membershipId: string;
  /** members.id in the workspace's own database. */
  memberId: string;
}

/** The invitation token emailed to `to` (the invitee's mailbox, i.e. the outbox). */
export async function invitationTokenFor(to: string): Promise<string> {
  const mail = await lastEmail(to, "invitation");
  const token = (mail?.data as { token?: string } | undefined)?.token;
  if (!token) throw new Error(`no invitation email for ${to}`);
  return token;
}

/**
 * Brings a new person into `owner`'s workspace with `role`: an emailed invitation, accepted
 * from the invitee's mailbox with a first password.
 */
export async function join(owner: SignedUp, role: "admin" | "member" | "viewer", email = uniqueEmail(role)): Promise<Joined> {
  const invite = await call("POST", `/api/v1/workspaces/${owner.workspaceId}/invite`, { token: owner.token, body: { email, role } });
  if (invite.status !== 201) throw new Error(`invite failed: ${invite.status} ${JSON.stringify(invite.body)}`);
  const password = "joined password 123";
  const accepted = await call("POST", "/api/v1/workspaces/invitations/accept", {
    body: { token: await invitationTokenFor(email), password, full_name: `A ${role}` },
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const me = await call("GET", "/api/v1/members/me", { token: accepted.body.access_token, workspace: owner.workspaceId });
  return {
    email,
    password,
    token: accepted.body.access_token,
    userId: accepted.body.user.id,
    membershipId: invite.body.member_id,
    memberId: me.body.id,
  };
}
