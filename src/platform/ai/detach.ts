import type { ServiceContext } from "../context";
import { ServiceError } from "../errors";
import { flushEvents } from "../events/outbox";

export interface DetachedContext {
  ctx: ServiceContext;
  close(): Promise<void>;
}

/**
 * A context with its own database connections, for work that outlives the handler: the request
 * middleware closes the request's pools when the handler returns a (streaming) Response, but the
 * response body keeps the invocation alive. Open it before or while streaming; close it when done.
 * Same workspace, actor and request id; the workspace access was already checked, and its
 * database is the one resolution bound (no second registry lookup).
 */
export async function detachContext(ctx: ServiceContext): Promise<DetachedContext> {
  if (!ctx.workspace) throw new ServiceError("bad_request", "This needs a workspace (X-Workspace-Id header)");
  const d = ctx.fork();
  return {
    ctx: d,
    close: () => {
      flushEvents(d);
      return d.connections.close();
    },
  };
}
