import type { RoomEvent } from "../../durable-objects/event-room";

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // wrangler dev buffers compressed streams; identity keeps events flowing one by one.
  "content-encoding": "identity",
  "x-accel-buffering": "no",
} as const;

const HEARTBEAT_MS = 15_000;

export function formatSse(e: RoomEvent): string {
  const lines = [`id: ${e.id}`];
  if (e.event) lines.push(`event: ${e.event}`);
  lines.push(`data: ${JSON.stringify(e.data)}`);
  return `${lines.join("\n")}\n\n`;
}

/** `Last-Event-ID` header, else `?since=`, else 0. */
export function resumeFrom(req: Request): number {
  const raw = req.headers.get("last-event-id") ?? new URL(req.url).searchParams.get("since") ?? "0";
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

interface RoomStub {
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

/** id, event and data of one frame formatSse wrote; null when its event is not in `only`. */
export function parseSseFrame(frame: string, only?: readonly string[]): RoomEvent | null {
  const idEnd = frame.indexOf("\n");
  const id = Number(frame.slice(4, idEnd));
  let event: string | undefined;
  let at = idEnd + 1;
  if (frame.startsWith("event: ", at)) {
    const end = frame.indexOf("\n", at);
    event = frame.slice(at + 7, end);
    at = end + 1;
  }
  if (only && (event === undefined || !only.includes(event))) return null;
  const data = JSON.parse(frame.slice(at + 6, frame.indexOf("\n", at)));
  return event === undefined ? { id, data } : { id, event, data };
}

/**
 * SSE is terminated here, in the Worker: it opens a WebSocket to the room Durable Object
 * (which hibernates between events) and relays each event, which the room sends already
 * encoded as SSE (`format=sse`), as is. Closes when the client goes away, when the room
 * closes, or after an event `isTerminal` accepts; with `terminalEvents`, only frames of those
 * events are parsed to ask it.
 */
export async function relayRoomAsSse(
  stub: RoomStub,
  opts: {
    since: number;
    requestId: string;
    signal?: AbortSignal;
    isTerminal?: (e: RoomEvent) => boolean;
    terminalEvents?: readonly string[];
  },
): Promise<Response> {
  const res = await stub.fetch(`https://room/connect?since=${opts.since}&format=sse`, {
    headers: { upgrade: "websocket", "x-request-id": opts.requestId },
  });
  const ws = res.webSocket;
  if (!ws) throw new Error(`room refused the WebSocket (${res.status})`);
  ws.accept();

  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const enc = new TextEncoder();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    try {
      ws.close(1000, "done");
    } catch {
      // already closed
    }
    writer.close().catch(() => {});
  };
  const write = (s: string) => {
    if (!closed) writer.write(enc.encode(s)).catch(close);
  };
  const heartbeat = setInterval(() => write(": heartbeat\n\n"), HEARTBEAT_MS);
  write("retry: 3000\n\n");
  ws.addEventListener("message", (m) => {
    if (typeof m.data !== "string" || m.data === "pong") return;
    write(m.data);
    if (!opts.isTerminal) return;
    const e = parseSseFrame(m.data, opts.terminalEvents);
    if (e && opts.isTerminal(e)) close();
  });
  ws.addEventListener("close", close);
  ws.addEventListener("error", close);
  opts.signal?.addEventListener("abort", close);
  return new Response(readable, { status: 200, headers: SSE_HEADERS });
}
