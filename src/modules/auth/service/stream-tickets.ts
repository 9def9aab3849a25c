import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { STREAM_TICKET_CONNECT_SECONDS, STREAM_TICKET_RESUME_SECONDS, signStreamTicket } from "../../../platform/jwt";

/** The streams a ticket can open (the routes that take `?ticket=`); ids and slugs are one segment. */
export const TICKET_STREAMS: readonly RegExp[] = [
  /^\/api\/v1\/channels\/[^/]+\/(stream|ws)$/,
  /^\/api\/v1\/notifications\/stream$/,
  /^\/api\/v1\/meetings\/[^/]+\/stream$/,
  /^\/api\/v1\/recordsets\/geocode\/jobs\/[^/]+\/stream$/,
  /^\/api\/v1\/workspace-health\/migration\/[^/]+\/stream$/,
];

export interface StreamTicketInput {
  /** One stream's path ("/api/v1/channels/general/stream"), or absent for all the workspace's streams. */
  stream?: string | undefined;
}

/**
 * A short-lived ticket for a browser's EventSource or WebSocket, which cannot send headers: a
 * signed-in person in the bound workspace gets a ticket for one stream (or every stream of the
 * workspace); access to the stream itself is checked when it opens. API keys cannot mint them.
 */
export async function issueStreamTicket(ctx: ServiceContext, input: StreamTicketInput) {
  const actor = ctx.actor;
  if (actor.kind !== "user") throw new ServiceError("forbidden", "Stream tickets are issued to signed-in people");
  const ws = ctx.workspace;
  if (!ws) throw new ServiceError("bad_request", "This endpoint needs a workspace (X-Workspace-Id header)");
  const path = input.stream?.split(/[?#]/)[0];
  if (path !== undefined && !TICKET_STREAMS.some((re) => re.test(path))) {
    const msg = "Not a stream that takes a ticket (channel stream or ws, notifications, meeting, geocode job or migration stream)";
    throw new ServiceError("validation_error", msg, { issues: [{ loc: ["body", "stream"], msg, type: "value_error" }] });
  }
  const ticket = await signStreamTicket(ctx.env.JWT_SECRET, {
    sub: actor.userId,
    email: actor.email,
    ...(actor.impersonatorId ? { imp: actor.impersonatorId } : {}),
    wsid: ws.id,
    path: path ?? "*",
  });
  const now = Date.now();
  return {
    ticket,
    workspace_id: ws.id,
    stream: path ?? null,
    connect_by: new Date(now + STREAM_TICKET_CONNECT_SECONDS * 1000).toISOString(),
    expires_in: STREAM_TICKET_CONNECT_SECONDS,
    resumable_until: new Date(now + STREAM_TICKET_RESUME_SECONDS * 1000).toISOString(),
  };
}
