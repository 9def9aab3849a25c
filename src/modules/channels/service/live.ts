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

/** A room connect URL (`base`, e.g. the SSE relay's) for one member: the room tags the socket for presence and typing. */
function connectUrl(base: string, memberId: string, canPost: boolean): string {
  const url = new URL(base);
  url.searchParams.set("member", memberId);
  url.searchParams.set("post", canPost ? "1" : "0");
  return url.toString();
}

/** The events that can end a member's stream (the SSE relay parses just these). */
const ENDING_EVENTS = ["channel_deleted", "access_revoked"];

/** The events after which a member's stream ends: their access was revoked, or the channel is gone. */
export function endsStreamOf(memberId: string) {
  return (e: RoomEvent) =>
    ENDING_EVENTS.includes(e.event ?? "") &&
    (e.event === "channel_deleted" || (e.data as { member_id?: unknown } | null)?.member_id === memberId);
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
  // The relay's own connect URL (since, format), plus the member and post flag for presence.
  const stub = { fetch: (input: string, init?: RequestInit) => room.fetch(connectUrl(input, access.memberId, access.canPost), init) };
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
  return channelRoom(ctx, access.channel.id).fetch(
    connectUrl(`https://room/connect?since=${opts.since}`, access.memberId, access.canPost),
    {
      headers: { upgrade: "websocket", "x-request-id": ctx.requestId },
    },
  );
}
