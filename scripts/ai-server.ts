// A small OpenAI-compatible server for development and tests: deterministic, labelled as a
// development model, so the real `openai` SDK can be exercised offline. The AI issue grows it.
import { createServer, type IncomingMessage, type Server } from "node:http";

export const DEV_MODEL = "atrium-dev-1";

interface ChatBody {
  model?: string;
  stream?: boolean;
  messages?: { role: string; content: unknown }[];
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => {
      try {
        resolve(data ? JSON.parse(data) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on("error", reject);
  });
}

/** The reply is a pure function of the conversation, so tests can assert on it. */
export function devReply(body: ChatBody): string {
  const last = [...(body.messages ?? [])].reverse().find((m) => m.role === "user");
  const text = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
  return `[${DEV_MODEL} development model] You said: ${text}`;
}

export function startAiServer(port: number): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const send = (status: number, obj: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(obj));
    };
    try {
      const url = new URL(req.url ?? "/", "http://ai");
      if (req.method === "GET" && url.pathname === "/v1/models") {
        return send(200, { object: "list", data: [{ id: DEV_MODEL, object: "model", created: 0, owned_by: "atrium-dev" }] });
      }
      if (req.method === "POST" && url.pathname === "/v1/chat/completions") {
        const body = (await readJson(req)) as ChatBody;
        const content = devReply(body);
        const id = `chatcmpl-dev-${Date.now()}`;
        const created = Math.floor(Date.now() / 1000);
        const model = body.model ?? DEV_MODEL;
        const usage = { prompt_tokens: JSON.stringify(body.messages ?? []).length >> 2, completion_tokens: content.length >> 2 };
        if (body.stream) {
          res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
          const words = content.split(/(?<= )/);
          for (const w of words) {
            res.write(
              `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })}\n\n`,
            );
          }
          res.write(
            `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
          );
          res.end("data: [DONE]\n\n");
          return;
        }
        return send(200, {
          id,
          object: "chat.completion",
          created,
          model,
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        });
      }
      send(404, { error: { message: `Unknown route ${req.method} ${url.pathname}`, type: "invalid_request_error" } });
    } catch (e) {
      send(400, { error: { message: String(e), type: "invalid_request_error" } });
    }
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address();
      resolve({
        port: typeof addr === "object" && addr ? addr.port : port,
        server,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    }),
  );
}
