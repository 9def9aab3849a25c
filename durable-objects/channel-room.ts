import { EventRoom, type RoomEvent, SSE_TAG } from "./event-room";

/** What each WebSocket of the room remembers (survives hibernation). */
interface Attachment {
  memberId: string;
  canPost: boolean;
  /** Closed by the room (access revoked): its member's presence was already settled. */
  gone?: boolean;
}

/** WebSocket readyState OPEN. */
const OPEN = 1;

/** A member's typing event is published at most this often while they keep typing. */
const TYPING_THROTTLE_MS = 3000;

/** Close code for sockets whose member lost access (4000-4999: application codes). */
export const CLOSE_ACCESS_REVOKED = 4403;

/**
 * ChannelRoom: one per channel: messages, edits, deletions, squashes, read markers, typing and
 * presence, all as numbered, replayable events (EventRoom). The Worker checks access and then
 * connects sockets here with `?member=<member id>&post=0|1` (SSE relays and client WebSockets
 * alike), so the room knows who is online and who may send typing frames.
 *
 * Client frames (WebSocket only): "ping" → "pong"; {"type":"typing"} or {"type":"typing",
 * "is_typing":false} → a "typing" event {member_id, is_typing} (throttled; members who may not
 * post are ignored). Presence: the first socket of a member publishes "presence"
 * {member_id, status:"online", online:[…]}, the last one closing publishes status "offline".
 * "access_revoked" {member_id} closes that member's sockets; "channel_deleted" closes all.
 */
export class ChannelRoom extends EventRoom {
  /** memberId → when their last typing event was published (in memory; lost on hibernation, harmlessly). */
  private readonly typing = new Map<string, number>();

  override async publish(event: string | null, data: unknown): Promise<RoomEvent> {
    const evt = this.append(event, data);
    const d = (data ?? {}) as Record<string, unknown>;
    if (event === "message" && typeof d.author_member_id === "string") this.typing.delete(d.author_member_id);
    if (event === "access_revoked" && typeof d.member_id === "string") {
      const sockets = this.openSockets(d.member_id);
      for (const ws of sockets) {
        ws.serializeAttachment({ ...(ws.deserializeAttachment() as Attachment), gone: true });
        this.closeQuietly(ws, CLOSE_ACCESS_REVOKED, "access revoked");
      }
      if (sockets.length > 0) {
        this.typing.delete(d.member_id);
        this.append("presence", { member_id: d.member_id, status: "offline", online: this.onlineMembers() });
      }
    }
    if (event === "channel_deleted") {
      for (const ws of this.ctx.getWebSockets()) this.closeQuietly(ws, 1000, "channel deleted");
    }
    return evt;
  }

  /**
   * EventRoom's connect (replay, or reset when too far behind), plus the member tag and
   * attachment. Everything up to the response runs without awaiting, so no event can slip in
   * between the replay and the socket joining the fan-out.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const url = new URL(request.url);
    const since = Math.max(0, Number(url.searchParams.get("since") ?? 0) || 0);
    const memberId = url.searchParams.get("member") ?? "";
    const sse = url.searchParams.get("format") === "sse";
    const attachment: Attachment = { memberId, canPost: url.searchParams.get("post") === "1" };
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [...(memberId ? [memberId] : []), ...(sse ? [SSE_TAG] : [])]);
    server.serializeAttachment(attachment);
    this.replayTo(server, since, sse);
    if (memberId && this.openSockets(memberId).length === 1) {
      this.append("presence", { member_id: memberId, status: "online", online: this.onlineMembers() });
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message === "ping") return super.webSocketMessage(ws, message);
    let frame: { type?: unknown; is_typing?: unknown };
    try {
      frame = typeof message === "string" ? JSON.parse(message) : {};
    } catch {
      frame = {};
    }
    if (frame?.type !== "typing") {
      ws.send(JSON.stringify({ event: "error", data: { message: 'Unknown frame; send "ping" or {"type":"typing"}' } }));
      return;
    }
    const a = ws.deserializeAttachment() as Attachment | null;
    if (!a?.memberId || !a.canPost) return;
    const isTyping = frame.is_typing !== false;
    const now = Date.now();
    const last = this.typing.get(a.memberId);
    if (isTyping && last !== undefined && now - last < TYPING_THROTTLE_MS) return;
    if (!isTyping && last === undefined) return;
    if (isTyping) this.typing.set(a.memberId, now);
    else this.typing.delete(a.memberId);
    this.append("typing", { member_id: a.memberId, is_typing: isTyping });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await super.webSocketClose(ws, code, reason);
    this.left(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.closeQuietly(ws, 1011, "error");
    this.left(ws);
  }

  /** Publishes "offline" when the member's last socket is gone. */
  private left(ws: WebSocket) {
    const a = ws.deserializeAttachment() as Attachment | null;
    if (!a?.memberId || a.gone) return;
    if (this.openSockets(a.memberId, ws).length > 0) return;
    this.typing.delete(a.memberId);
    this.append("presence", { member_id: a.memberId, status: "offline", online: this.onlineMembers() });
  }

  private openSockets(tag?: string, except?: WebSocket): WebSocket[] {
    return this.ctx.getWebSockets(tag).filter((s) => s !== except && s.readyState === OPEN);
  }

  private onlineMembers(): string[] {
    const ids = new Set<string>();
    for (const ws of this.openSockets()) {
      for (const tag of this.ctx.getTags(ws)) if (tag !== SSE_TAG) ids.add(tag);
    }
    return [...ids].sort();
  }

  private closeQuietly(ws: WebSocket, code: number, reason: string) {
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
  }
}
