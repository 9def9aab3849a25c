import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../src/env";
import { formatSse } from "../src/platform/sse";

/**
 * Tag of the sockets that relay to SSE (connected with `?format=sse`): they get every event
 * already encoded as an SSE frame, so the Worker relays write it as is instead of parsing and
 * re-encoding it once per subscriber.
 */
export const SSE_TAG = "format:sse";

/** One event of a room: `id` is the room's sequence number (the SSE `id:`). */
export interface RoomEvent {
  id: number;
  event?: string;
  data: unknown;
}

/**
 * Ordered, replayable fan-out. Every published event gets the next sequence number, is kept
 * in a bounded SQLite tail, and is sent to every connected hibernatable WebSocket (the
 * Worker relays those as SSE). A client reconnecting with `since` gets what it missed, in
 * order; one that fell behind the tail gets a `reset` event telling it to reload.
 * Subclasses (ChannelRoom, JobProgress, …) add their own state on top.
 */
export class EventRoom extends DurableObject<Bindings> {
  /** How many events are kept for replay. */
  protected tailSize = 1000;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT, data TEXT NOT NULL, at INTEGER NOT NULL)",
    );
  }

  async publish(event: string | null, data: unknown): Promise<RoomEvent> {
    return this.append(event, data);
  }

  /** Events after `since`, oldest first. */
  async replay(since = 0): Promise<RoomEvent[]> {
    return this.eventsAfter(since);
  }

  protected append(event: string | null, data: unknown): RoomEvent {
    const sql = this.ctx.storage.sql;
    const text = JSON.stringify(data);
    const row = sql
      .exec<{ seq: number }>("INSERT INTO events (event, data, at) VALUES (?, ?, ?) RETURNING seq", event, text, Date.now())
      .one();
    sql.exec("DELETE FROM events WHERE seq <= ?", row.seq - this.tailSize);
    const evt: RoomEvent = event ? { id: row.seq, event, data } : { id: row.seq, data };
    // Encoded once per format for the whole room, not once per socket.
    const relays = new Set(this.ctx.getWebSockets(SSE_TAG));
    const json = JSON.stringify(evt);
    const sse = relays.size > 0 ? formatSse(evt) : "";
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(relays.has(ws) ? sse : json);
      } catch {
        // A socket that is already closing is dropped by its close handler.
      }
    }
    return evt;
  }

  /** A connect's catch-up: the missed events, or a reset when too far behind, in the socket's format. */
  protected replayTo(ws: WebSocket, since: number, sse: boolean): void {
    const encode = (e: RoomEvent) => (sse ? formatSse(e) : JSON.stringify(e));
    const missed = this.eventsAfter(since);
    const oldest = missed[0]?.id;
    if (since > 0 && oldest !== undefined && oldest > since + 1) {
      ws.send(encode({ id: this.lastSeq(), event: "reset", data: { reason: "too_far_behind", reload: true } }));
    } else {
      for (const e of missed) ws.send(encode(e));
    }
  }

  protected eventsAfter(since: number): RoomEvent[] {
    return this.ctx.storage.sql
      .exec<{ seq: number; event: string | null; data: string }>("SELECT seq, event, data FROM events WHERE seq > ? ORDER BY seq", since)
      .toArray()
      .map((r) => (r.event ? { id: r.seq, event: r.event, data: JSON.parse(r.data) } : { id: r.seq, data: JSON.parse(r.data) }));
  }

  protected lastSeq(): number {
    const r = this.ctx.storage.sql.exec<{ seq: number | null }>("SELECT max(seq) AS seq FROM events").one();
    return r.seq ?? 0;
  }

  /** WebSocket endpoint: `?since=<last seen id>`. Replay and accept happen without awaiting,
   *  so no event can be published between them (the DO runs one thing at a time). */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const url = new URL(request.url);
    const since = Math.max(0, Number(url.searchParams.get("since") ?? 0) || 0);
    const sse = url.searchParams.get("format") === "sse";
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, sse ? [SSE_TAG] : []);
    this.replayTo(server, since, sse);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message === "ping") ws.send("pong");
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }
}
