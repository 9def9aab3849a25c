import type { Bindings } from "../env";
import { Connections, type Db } from "./db";
import { ServiceError } from "./errors";
import type { Role } from "./identity/tables";

/** Who is acting. Services check permissions against this, never against HTTP details. */
export type Actor =
  | {
      kind: "user";
      userId: string;
      email: string;
      impersonatorId?: string;
      /** The token's workspace claims, set only when they are current (see tenancy/claims.ts). */
      memberships?: Record<string, [role: string, membershipId: string]>;
    }
  | { kind: "api_key"; keyId: string; userId: string | null; scopes: string[] }
  | { kind: "system"; name: string }
  | { kind: "anonymous" };

/** The workspace a request acts in, resolved by the tenant middleware. */
export interface WorkspaceScope {
  id: string;
  role: Role;
  /** workspace_members.id in the control database. */
  membershipId: string;
}

export interface ServiceContext {
  readonly env: Bindings;
  readonly requestId: string;
  actor: Actor;
  workspace: WorkspaceScope | undefined;
  /** Control database (lazily connected, closed at the end of the invocation). */
  readonly control: Db;
  /** The workspace's own database; throws when no workspace was resolved. */
  readonly db: Db;
  readonly connections: Connections;
  /** Keep work alive after the response (ExecutionContext.waitUntil or a DO's equivalent). */
  waitUntil(p: Promise<unknown>): void;
  /** Binds the tenant database; called by tenant resolution. */
  bindTenant(scope: WorkspaceScope, connectionString: string): void;
  /**
   * A context with its own connections (closed by its owner), same env, actor, request id and
   * bound workspace: for work that outlives this invocation's connections.
   */
  fork(): ServiceContext;
}

export interface CreateContextInput {
  env: Bindings;
  requestId: string;
  actor?: Actor;
  waitUntil: (p: Promise<unknown>) => void;
}

/** The one composition root: middleware, queue consumers, cron and Durable Objects all use it. */
export function createContext(input: CreateContextInput): ServiceContext {
  const connections = new Connections(input.env.DB_WS_PROXY);
  let control: Db | undefined;
  let tenant: Db | undefined;
  let tenantString: string | undefined;
  return {
    env: input.env,
    requestId: input.requestId,
    actor: input.actor ?? { kind: "anonymous" },
    workspace: undefined,
    connections,
    waitUntil: input.waitUntil,
    get control() {
      control ??= connections.open(input.env.DATABASE_URL);
      return control;
    },
    get db() {
      if (!tenant) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
      return tenant;
    },
    bindTenant(scope, connectionString) {
      this.workspace = scope;
      tenantString = connectionString;
      tenant = connections.open(connectionString);
    },
    fork() {
      const f = createContext({ env: input.env, requestId: this.requestId, actor: this.actor, waitUntil: input.waitUntil });
      if (this.workspace && tenantString) f.bindTenant(this.workspace, tenantString);
      return f;
    },
  };
}

/** The acting user's id, or an error for actors that are not users. */
export function actorUserId(ctx: ServiceContext): string {
  const a = ctx.actor;
  if (a.kind === "user") return a.userId;
  if (a.kind === "api_key" && a.userId) return a.userId;
  throw new ServiceError("unauthorized", "Not authenticated");
}

/**
 * Runs `work` after the response, on a forked context (its own connections, closed when done):
 * for answers that must take the same time whatever the work finds. Failures are logged.
 */
export function runAfterResponse(ctx: ServiceContext, what: string, work: (bg: ServiceContext) => Promise<unknown>): void {
  const bg = ctx.fork();
  ctx.waitUntil(
    work(bg)
      .catch((e) => console.error(JSON.stringify({ level: "error", msg: `${what} failed`, request_id: ctx.requestId, error: String(e) })))
      .finally(() => bg.connections.close()),
  );
}

/**
 * The same invocation (env, connections, bound databases) acting as another member of the bound
 * workspace: for system work that must apply a member's rights (what a webhook's creator may
 * see) without opening connections of its own.
 */
export function actingAs(ctx: ServiceContext, actor: Actor, scope: WorkspaceScope): ServiceContext {
  return {
    env: ctx.env,
    requestId: ctx.requestId,
    actor,
    workspace: scope,
    get control() {
      return ctx.control;
    },
    get db() {
      return ctx.db;
    },
    connections: ctx.connections,
    waitUntil: (p) => ctx.waitUntil(p),
    bindTenant() {
      throw new ServiceError("internal_error", "A context acting as a member cannot bind another workspace");
    },
    fork() {
      const f = ctx.fork();
      f.actor = actor;
      f.workspace = scope;
      return f;
    },
  };
}
