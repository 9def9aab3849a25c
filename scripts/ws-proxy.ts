// WebSocket-to-TCP proxy: lets the Neon serverless driver (WebSockets only) reach a plain
// PostgreSQL. Mirrors Neon's wsproxy protocol: GET /v1?address=host:port, raw bytes both ways.
import net from "node:net";
import { WebSocketServer } from "ws";

export interface WsProxy {
  port: number;
  close(): Promise<void>;
}

/** Only forwards to `allowedHosts`, so it is never an open relay. */
export function startWsProxy(port: number, allowedHosts = ["127.0.0.1", "localhost"]): Promise<WsProxy> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port });
  wss.on("connection", (ws, req) => {
    const address = new URL(req.url ?? "/", "http://proxy").searchParams.get("address") ?? "";
    const [host, portText] = address.split(":");
    if (!host || !portText || !allowedHosts.includes(host)) {
      ws.close(1008, "address not allowed");
      return;
    }
    const socket = net.connect(Number(portText), host);
    socket.setNoDelay(true);
    ws.on("message", (data) => socket.write(data as Buffer));
    socket.on("data", (chunk) => ws.send(chunk));
    const end = () => {
      socket.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    };
    ws.on("close", end);
    ws.on("error", end);
    socket.on("close", end);
    socket.on("error", end);
  });
  return new Promise((resolve, reject) => {
    wss.once("error", reject);
    wss.once("listening", () => {
      const addr = wss.address();
      resolve({
        port: typeof addr === "object" && addr ? addr.port : port,
        close: () =>
          new Promise<void>((r) => {
            for (const c of wss.clients) c.terminate();
            wss.close(() => r());
          }),
      });
    });
  });
}
