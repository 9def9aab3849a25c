// A webhook receiver for tests and benchmarks: records every request (headers, raw body, time)
// per path, and misbehaves on request, as real receivers do: fail the next N attempts with a
// status, close the connection without answering, or hang past the sender's timeout.
import { createServer, type ServerResponse } from "node:http";

export interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
  /** What this request was answered with (0: connection closed). */
  answered: number;
}

interface Behaviour {
  /** How many of the next requests fail (-1: all of them). */
  fail: number;
  status: number;
  mode: "status" | "close" | "hang";
}

export async function startReceiver(port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const log = new Map<string, Received[]>();
  const behaviour = new Map<string, Behaviour>();
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      const body = Buffer.concat(chunks).toString("utf8");
      // Control API: PUT /_behaviour/<name> {fail,status,mode}; GET /_received/<name>; DELETE /_received/<name>.
      if (url.pathname.startsWith("/_behaviour/")) {
        const b = JSON.parse(body || "{}") as Partial<Behaviour>;
        behaviour.set(url.pathname.slice(12), { fail: b.fail ?? -1, status: b.status ?? 500, mode: b.mode ?? "status" });
        return send(res, 204, null);
      }
      if (url.pathname.startsWith("/_received/")) {
        const name = url.pathname.slice(11);
        if (req.method === "DELETE") log.delete(name);
        return send(res, 200, log.get(name) ?? []);
      }
      const name = url.pathname.replace(/^\/hooks\//, "");
      const b = behaviour.get(name);
      const failing = b && b.fail !== 0;
      if (b && b.fail > 0) b.fail--;
      const entry: Received = {
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body,
        at: Date.now(),
        answered: failing ? (b.mode === "status" ? b.status : 0) : 200,
      };
      log.set(name, [...(log.get(name) ?? []), entry]);
      if (!failing) return send(res, 200, { ok: true });
      if (b.mode === "close") return req.socket.destroy();
      if (b.mode === "hang") return; // never answers; the sender's timeout ends it
      send(res, b.status, { error: "receiver configured to fail" });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
