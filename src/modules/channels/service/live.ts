import type { RoomEvent } from "../../../../durable-objects/event-room";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { relayRoomAsSse } from "../../../platform/sse";
import { channelRoom, getChannelForActor } from "../internal";

/**
 * Event names of a channel's room (SSE `event:`, WebSocket frames' `event`):
 * message, message_updated, message_deleted, messages_squashed, messages_restored, read,
 * typing, presence (published here and by the room), and access_revoked / channel_deleted
 * (published by channel management; they end the affected streams).
 */
export type ChannelEvent =
  | "message"
  | "message_updated"
  | "message_deleted"
  | "messages_squashed"
  | "messages_restored"
  | "read"
  | "typing"
  | "presence";

/**
 * Publishes into the channel's room. The change it reports is already committed, so a room
 * that cannot be reached is logged, not thrown: clients catch up from the REST endpoints.
 */
export async function publishChannelEvent(ctx: ServiceContext, channelId: string, event: ChannelEvent, data: unknown): Promise<void> {
  try {
    await channelRoom(ctx, channelId).publish(event, data);
  } catch (e) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "channel event publish failed",
        request_id: ctx.requestId,
        channel_id: channelId,
        event,
        error: String(e),
      }),
    );
  }
}

/** The room's connect URL for one member (the room tags the socket for presence and typing). */
function connectUrl(since: number, memberId: string, canPost: boolean): string {
  return `https://room/connect?since=${since}&member=${encodeURIComponent(memberId)}&post=${canPost ? 1 : 0}`;
}

/** The only events endsStreamOf can accept (the SSE relay parses just these). */
const ENDING_EVENTS = ["channel_deleted", "access_revoked"];

/** The events after which a member's stream ends: their access was revoked, or the channel is gone. */
export function endsStreamOf(memberId: string) {
  return (e: RoomEvent) =>
    e.event === "channel_deleted" || (e.event === "access_revoked" && (e.data as { member_id?: unknown } | null)?.member_id === memberId);
}

/**
 * SSE of a channel's room. Access is checked once, when the stream opens (invisible → 404);
 * afterwards "access_revoked" for this member (or "channel_deleted") ends it. Resumes after
 * `since` (Last-Event-ID / ?since=): the missed events in order, or a "reset" when too far behind.
 */
export async function openChannelStream(
  ctx: ServiceContext,
  slug: string,
  opts: { since: number; signal?: AbortSignal },
): Promise<Response> {
  const access = await getChannelForActor(ctx, slug);
  const room = channelRoom(ctx, access.channel.id);
  // relayRoomAsSse connects with ?since=…&format=sse; the member and post flag ride along for presence.
  const stub = {
    fetch: (_input: string, init?: RequestInit) =>
      room.fetch(`${connectUrl(opts.since, access.memberId, access.canPost)}&format=sse`, init),
  };
  return relayRoomAsSse(stub, {
    since: opts.since,
    requestId: ctx.requestId,
    ...(opts.signal ? { signal: opts.signal } : {}),
    isTerminal: endsStreamOf(access.memberId),
    terminalEvents: ENDING_EVENTS,
  });
}

/**
 * A client WebSocket straight to the channel's room (the room's 101 response is returned as is).
 * Frames from the room are JSON {id, event, data}; the client may send "ping" and
 * {"type":"typing"} frames. Access is checked when it opens; the room closes the socket with
 * code 4403 when the member's access is revoked.
 */
export async function openChannelSocket(
  ctx: ServiceContext,
  slug: string,
  opts: { since: number; upgrade: string | undefined },
): Promise<Response> {
  const access = await getChannelForActor(ctx, slug);
  if (opts.upgrade?.toLowerCase() !== "websocket") {
    throw new ServiceError("bad_request", "This endpoint needs a WebSocket upgrade (Upgrade: websocket)");
  }
  return channelRoom(ctx, access.channel.id).fetch(connectUrl(opts.since, access.memberId, access.canPost), {
    headers: { upgrade: "websocket", "x-request-id": ctx.requestId },
  });
}
