// A small OpenAI-compatible server for development and tests: deterministic, labelled as a
// development model, so the real `openai` SDK can be exercised offline. Same wire format as
// OpenAI: /v1/chat/completions (streaming, tool calls, response_format json_schema, vision
// content parts), /v1/embeddings, /v1/images/generations, /v1/audio/transcriptions, /v1/models.
//
// Tests script replies over HTTP: POST /__script {match, replies: Reply[]}. Every later request
// whose content (chat messages, image prompt, embedding input, audio file name) contains `match`
// consumes the next Reply (the last one repeats). GET /__script/<match> → {match, requests}: how
// many requests matched it (e.g. to prove that no provider call was made).
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { crc32, deflateSync } from "node:zlib";

export const DEV_MODEL = "atrium-dev-1";
const LABEL = `[${DEV_MODEL} development model]`;

/** Models the server answers for (it answers any name, as the development model). */
const MODEL_IDS = [
  DEV_MODEL,
  "gpt-4o-mini",
  "gpt-4o",
  "claude-sonnet-4-5",
  "claude-haiku-4-5",
  "gpt-image-1",
  "dall-e-3",
  "whisper-1",
  "text-embedding-3-small",
];

export interface Reply {
  content?: string;
  tool_calls?: { name: string; arguments: Record<string, unknown> }[];
  /** Before the first byte. */
  delay_ms?: number;
  /** Between stream chunks. */
  chunk_delay_ms?: number;
  /** Answer with this HTTP error status. */
  status?: number;
  /** Never answer (for timeouts). */
  hang?: boolean;
  /** Streaming: destroy the socket after this many chunks. */
  cut_after?: number;
}

interface Script {
  replies: Reply[];
  next: number;
  requests: number;
}

type Part = { type: string; text?: string; image_url?: { url: string } };
interface ChatBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: { role: string; content: unknown }[];
  tools?: unknown[];
  response_format?: { type: string; json_schema?: { name?: string; schema?: Record<string, unknown> } };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The text of a message's content: a string, or the text parts of vision content. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return JSON.stringify(content ?? "");
  const parts = content as Part[];
  const text = parts
    .filter((p) => p.type === "text")
    .map((p) => p.text ?? "")
    .join(" ");
  const images = parts.filter((p) => p.type === "image_url").length;
  return images ? `${text} (with ${images} image${images === 1 ? "" : "s"})` : text;
}

/** The reply is a pure function of the conversation, so tests can assert on it. */
export function devReply(body: ChatBody): string {
  const msgs = body.messages ?? [];
  const lastMsg = msgs.at(-1);
  // After tools ran: say what came back (the development model does not reason about it).
  if (lastMsg?.role === "tool") {
    const results = msgs.slice(msgs.findLastIndex((m) => m.role !== "tool") + 1);
    const summary = results.map((m) => textOf(m.content).slice(0, 200)).join("; ");
    return `${LABEL} Done. The tool${results.length === 1 ? "" : "s"} returned: ${summary}`;
  }
  const last = [...msgs].reverse().find((m) => m.role === "user");
  return `${LABEL} You said: ${textOf(last?.content ?? "")}`;
}

const toolNames = (body: ChatBody): Set<string> =>
  new Set(
    (body.tools ?? []).flatMap((t) => {
      const name = (t as { function?: { name?: unknown } }).function?.name;
      return typeof name === "string" ? [name] : [];
    }),
  );

/** Quoted text ("…", “…” or '…') in `text`, if any. */
const quoted = (text: string) => /["“]([^"”]+)["”]|'([^']+)'/.exec(text)?.slice(1).find(Boolean);

/**
 * The tool call the development model makes for the last user message when tools are offered, or
 * null: deterministic, by intent words, with arguments taken from the text. Asking to create a task
 * ("create a task to call Bob"), to post in a channel ("post 'hi' in #general"), to list tasks, or
 * to search ("search records in leads for acme", "find members named Ada", "search for X") calls
 * the matching tool. After a tool result it answers in text (devReply).
 */
export function devToolCall(body: ChatBody): { name: string; arguments: Record<string, unknown> } | null {
  const offered = toolNames(body);
  const lastMsg = body.messages?.at(-1);
  if (offered.size === 0 || lastMsg?.role !== "user") return null;
  const text = textOf(lastMsg.content).trim();
  const lower = text.toLowerCase();
  const pick = (...names: string[]) => names.find((n) => offered.has(n));

  if (/\b(create|add|make|open)\b.*\btask\b|\bremind me to\b/.test(lower) && offered.has("create_task")) {
    const after = /\btask\b\s*(?:to|:|called|named|for|about)?\s*(.+)$/i.exec(text)?.[1] ?? /remind me to\s+(.+)$/i.exec(text)?.[1];
    const title =
      (quoted(text) ?? after ?? text)
        .replace(/[.!?]+$/, "")
        .trim()
        .slice(0, 200) || "New task";
    return { name: "create_task", arguments: { title } };
  }
  if (/\b(post|send|say|write|announce)\b/.test(lower) && offered.has("post_message")) {
    const channel = /#([a-z0-9][a-z0-9-]*)/i.exec(text)?.[1] ?? /\bin (?:the )?([a-z0-9-]+) channel\b/i.exec(text)?.[1];
    if (channel) {
      const content =
        quoted(text) ??
        /\b(?:saying|that says|:)\s*(.+)$/i.exec(text)?.[1] ??
        text.replace(/^.*?\b(post|send|say|write|announce)\b\s*/i, "").replace(/\s*\bin\s+(?:the\s+)?#?\S+(?:\s+channel)?\s*$/i, "");
      return { name: "post_message", arguments: { channel: channel.toLowerCase(), content: content.trim() || text } };
    }
  }
  if (/\b(list|show)\b.*\btasks\b|\bmy tasks\b|\bwhat tasks\b/.test(lower) && offered.has("list_tasks")) {
    return { name: "list_tasks", arguments: /\bmy tasks\b/.test(lower) ? { assignee: "me" } : {} };
  }
  if (/\b(search|find|look up|look for|who is)\b/.test(lower)) {
    const query = (quoted(text) ?? /\b(?:for|named|called|about|is)\s+(.+)$/i.exec(text)?.[1] ?? text).replace(/[.!?]+$/, "").trim();
    const recordset = /\b(?:records?|rows?) in ([a-z0-9-]+)\b/i.exec(text)?.[1];
    if (recordset && offered.has("search_records")) return { name: "search_records", arguments: { recordset, search: query } };
    const member = /\b(members?|people|person|colleague|who is)\b/.test(lower) && pick("search_members");
    if (member) return { name: member, arguments: { query } };
    const any = pick("search_workspace", "search_records", "search_members");
    if (any === "search_workspace") return { name: any, arguments: { query } };
    if (any === "search_members") return { name: any, arguments: { query } };
  }
  return null;
}

/** A deterministic value of a JSON Schema: every property present, of its type. */
export function sampleOf(schema: Record<string, unknown> | undefined, key = "value"): unknown {
  if (!schema || typeof schema !== "object") return null;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  for (const k of ["anyOf", "oneOf", "allOf"]) {
    const alts = schema[k] as Record<string, unknown>[] | undefined;
    if (Array.isArray(alts) && alts.length) return sampleOf(alts.find((a) => a.type !== "null") ?? alts[0], key);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== "null") ?? "null";
  if (type === undefined && schema.properties) type = "object";
  switch (type) {
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, sampleOf(s, k)]));
    }
    case "array": {
      const n = Math.max(1, Number(schema.minItems ?? 1));
      return Array.from({ length: n }, () => sampleOf(schema.items as Record<string, unknown>, key));
    }
    case "integer":
    case "number": {
      const min =
        typeof schema.minimum === "number" ? schema.minimum : typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum + 1 : 1;
      const max = typeof schema.maximum === "number" ? schema.maximum : Number.POSITIVE_INFINITY;
      return Math.min(Math.ceil(min), max);
    }
    case "boolean":
      return true;
    case "null":
      return null;
    case "string": {
      const f = schema.format;
      if (f === "email") return "dev@example.com";
      if (f === "date") return "2026-01-01";
      if (f === "date-time") return "2026-01-01T00:00:00Z";
      if (f === "uri" || f === "url") return "https://example.com/";
      if (f === "uuid") return "00000000-0000-4000-8000-000000000000";
      const s = `${LABEL} ${key}`;
      const minLength = Number(schema.minLength ?? 0);
      const maxLength = Number(schema.maxLength ?? Number.POSITIVE_INFINITY);
      return s.padEnd(minLength, ".").slice(0, maxLength);
    }
    default:
      return null;
  }
}

const STOPWORDS = new Set(
  "a an and are as at be been but by can do does for from had has have how i if in into is it its me my no not of on or our so than that the their them then there these they this to was we were what when where which who why will with you your".split(
    " ",
  ),
);

/** Light stemming (plural and -ing/-ed endings), so "invoices" and "invoice" share a feature. */
function stem(w: string): string {
  if (w.length > 5 && w.endsWith("ing")) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && w.endsWith("ed")) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}

/**
 * Deterministic unit vector of `dims` numbers for a text that carries meaning: a hashed bag of
 * words (lower-case word tokens, stopwords dropped, light stemming), each word added at a
 * hashed position with a hashed sign (feature hashing), weighted 1 + log(tf). Texts sharing
 * words point the same way, so retrieval over these vectors behaves like a (crude) real model.
 */
export function devEmbedding(text: string, dims: number): number[] {
  const tf = new Map<string, number>();
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOPWORDS.has(raw)) continue;
    const w = stem(raw);
    tf.set(w, (tf.get(w) ?? 0) + 1);
  }
  const out = new Array<number>(dims).fill(0);
  for (const [w, n] of tf) {
    const h = createHash("sha256").update(w).digest();
    const at = h.readUInt32BE(0) % dims;
    out[at] = (out[at] ?? 0) + (h[4]! & 1 ? 1 : -1) * (1 + Math.log(n));
  }
  const norm = Math.hypot(...out);
  // A text with no words (empty, punctuation) still gets a unit vector: one fixed direction.
  if (norm === 0) return out.map((_, i) => (i === 0 ? 1 : 0));
  return out.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

/** An 8×8 PNG of one colour derived from the prompt. */
export function devPng(prompt: string): Buffer {
  const [r, g, b] = createHash("sha256").update(prompt).digest();
  const size = 8;
  const raw = Buffer.alloc((size * 3 + 1) * size);
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < size; x++) raw.set([r!, g!, b!], row + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const tokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

export function startAiServer(port: number): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const scripts = new Map<string, Script>();
  const images = new Map<string, Buffer>();

  /** The next scripted reply for a request whose content contains a script's match. */
  function scripted(haystack: string): Reply | undefined {
    for (const [match, s] of scripts) {
      if (!haystack.includes(match)) continue;
      s.requests++;
      const reply = s.replies[Math.min(s.next, s.replies.length - 1)];
      s.next++;
      return reply;
    }
    return undefined;
  }

  const sendJson = (res: ServerResponse, status: number, obj: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(obj));
  };

  /** Applies a reply's delay, error status or hang; true when the request was answered (or never will be). */
  async function preamble(res: ServerResponse, reply: Reply | undefined): Promise<boolean> {
    if (!reply) return false;
    if (reply.hang) return true;
    if (reply.delay_ms) await sleep(reply.delay_ms);
    if (reply.status && reply.status >= 400) {
      sendJson(res, reply.status, {
        error: {
          message: `${LABEL} scripted failure (${reply.status})`,
          type: reply.status >= 500 ? "server_error" : "invalid_request_error",
          code: null,
          param: null,
        },
      });
      return true;
    }
    return false;
  }

  async function chatCompletions(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as ChatBody;
    const reply = scripted(JSON.stringify(body.messages ?? []));
    if (await preamble(res, reply)) return;
    const schema = body.response_format?.type === "json_schema" ? body.response_format.json_schema?.schema : undefined;
    // Unscripted, the development model acts on clear requests when tools are offered.
    const chosen = reply ? null : devToolCall(body);
    const toolCalls = (reply?.tool_calls ?? (chosen ? [chosen] : [])).map((t, i) => ({
      id: `call_dev_${Date.now().toString(36)}_${i}`,
      name: t.name,
      arguments: JSON.stringify(t.arguments ?? {}),
    }));
    let content: string | null = reply?.content ?? null;
    if (content === null && toolCalls.length === 0) content = schema ? JSON.stringify(sampleOf(schema)) : devReply(body);
    const id = `chatcmpl-dev-${Date.now().toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    // As providers do, the reply names the model that answered: always this development model.
    const model = DEV_MODEL;
    const promptTokens = tokens(JSON.stringify(body.messages ?? []));
    const completionTokens = tokens((content ?? "") + toolCalls.map((t) => t.name + t.arguments).join(""));
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const finish = toolCalls.length ? "tool_calls" : "stop";

    if (!body.stream) {
      return sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content,
              refusal: null,
              ...(toolCalls.length
                ? { tool_calls: toolCalls.map((t) => ({ id: t.id, type: "function", function: { name: t.name, arguments: t.arguments } })) }
                : {}),
            },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage,
        system_fingerprint: "atrium-dev",
      });
    }

    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    const deltas: Record<string, unknown>[] = [];
    if (content) {
      deltas.push({ role: "assistant", content: "" });
      for (const w of content.split(/(?<= )/)) deltas.push({ content: w });
    }
    toolCalls.forEach((t, index) => {
      deltas.push({
        ...(deltas.length ? {} : { role: "assistant" }),
        tool_calls: [{ index, id: t.id, type: "function", function: { name: t.name, arguments: "" } }],
      });
      // Arguments arrive in pieces, as real providers send them.
      for (let i = 0; i < t.arguments.length; i += 16)
        deltas.push({ tool_calls: [{ index, function: { arguments: t.arguments.slice(i, i + 16) } }] });
    });
    const frame = (obj: Record<string, unknown>) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, ...obj })}\n\n`;
    let sent = 0;
    for (const delta of deltas) {
      if (reply?.cut_after !== undefined && sent >= reply.cut_after) {
        res.socket?.destroy();
        return;
      }
      if (sent > 0 && reply?.chunk_delay_ms) await sleep(reply.chunk_delay_ms);
      if (res.destroyed) return;
      // Flushed before the next step, so a cut (socket destroyed) never drops chunks already "sent".
      await new Promise<void>((r) => res.write(frame({ choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] }), () => r()));
      sent++;
    }
    if (reply?.cut_after !== undefined && sent >= reply.cut_after) {
      res.socket?.destroy();
      return;
    }
    res.write(frame({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }] }));
    if (body.stream_options?.include_usage) res.write(frame({ choices: [], usage }));
    res.end("data: [DONE]\n\n");
  }

  async function embeddings(req: IncomingMessage, res: ServerResponse) {
    const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as {
      model?: string;
      input?: string | string[];
      dimensions?: number;
    };
    const input = Array.isArray(body.input) ? body.input : [body.input ?? ""];
    if (await preamble(res, scripted(JSON.stringify(input)))) return;
    const dims = Math.min(Math.max(Number(body.dimensions ?? 256), 1), 3072);
    const total = input.reduce((n, t) => n + tokens(String(t)), 0);
    sendJson(res, 200, {
      object: "list",
      model: body.model ?? DEV_MODEL,
      data: input.map((t, index) => ({ object: "embedding", index, embedding: devEmbedding(String(t), dims) })),
      usage: { prompt_tokens: total, total_tokens: total },
    });
  }

  async function imageGenerations(req: IncomingMessage, res: ServerResponse, base: string) {
    const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as {
      prompt?: string;
      n?: number;
      response_format?: string;
      model?: string;
    };
    const prompt = body.prompt ?? "";
    if (await preamble(res, scripted(prompt))) return;
    const n = Math.min(Math.max(Number(body.n ?? 1), 1), 10);
    const data = Array.from({ length: n }, (_, i) => {
      const png = devPng(`${prompt}#${i}`);
      const revised_prompt = `${LABEL} ${prompt}`;
      if (body.response_format === "url") {
        const name = createHash("sha256").update(png).digest("hex").slice(0, 16);
        images.set(name, png);
        return { url: `${base}/__images/${name}.png`, revised_prompt };
      }
      return { b64_json: png.toString("base64"), revised_prompt };
    });
    sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data });
  }

  async function transcriptions(req: IncomingMessage, res: ServerResponse) {
    const buf = await readBody(req);
    const form = await new Response(buf, { headers: { "content-type": String(req.headers["content-type"] ?? "") } }).formData();
    const file = form.get("file");
    if (!(file instanceof Blob)) return sendJson(res, 400, { error: { message: "file is required", type: "invalid_request_error" } });
    const name = (file as File).name ?? "audio";
    if (await preamble(res, scripted(`${name} ${form.get("prompt") ?? ""}`))) return;
    const text = `${LABEL} transcript of ${name} (${file.size} bytes)`;
    const format = String(form.get("response_format") ?? "json");
    if (format === "text") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end(text);
    }
    if (format === "verbose_json") {
      // A nominal 16 kB of audio per second.
      const duration = Math.round((file.size / 16_000) * 100) / 100;
      return sendJson(res, 200, {
        task: "transcribe",
        language: String(form.get("language") ?? "english"),
        duration,
        text,
        segments: [{ id: 0, seek: 0, start: 0, end: duration, text }],
        usage: { type: "duration", seconds: Math.ceil(duration) },
      });
    }
    sendJson(res, 200, { text });
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://ai");
      const path = url.pathname;
      if (req.method === "POST" && path === "/__script") {
        const body = JSON.parse((await readBody(req)).toString("utf8")) as { match?: string; replies?: Reply[] };
        if (!body.match || !Array.isArray(body.replies) || body.replies.length === 0) {
          return sendJson(res, 400, { error: { message: "match and at least one reply are required", type: "invalid_request_error" } });
        }
        scripts.set(body.match, { replies: body.replies, next: 0, requests: 0 });
        return sendJson(res, 200, { match: body.match, replies: body.replies.length });
      }
      if (req.method === "GET" && path.startsWith("/__script/")) {
        const match = decodeURIComponent(path.slice("/__script/".length));
        return sendJson(res, 200, { match, requests: scripts.get(match)?.requests ?? 0 });
      }
      if (req.method === "GET" && path.startsWith("/__images/")) {
        const png = images.get(path.slice("/__images/".length).replace(/\.png$/, ""));
        if (!png) return sendJson(res, 404, { error: { message: "no such image", type: "invalid_request_error" } });
        res.writeHead(200, { "content-type": "image/png", "content-length": png.length });
        return res.end(png);
      }
      if (req.method === "GET" && path === "/v1/models") {
        return sendJson(res, 200, {
          object: "list",
          data: MODEL_IDS.map((id) => ({ id, object: "model", created: 0, owned_by: "atrium-dev" })),
        });
      }
      if (req.method === "POST" && path === "/v1/chat/completions") return await chatCompletions(req, res);
      if (req.method === "POST" && path === "/v1/embeddings") return await embeddings(req, res);
      if (req.method === "POST" && path === "/v1/images/generations") {
        return await imageGenerations(req, res, `http://${req.headers.host ?? "127.0.0.1"}`);
      }
      if (req.method === "POST" && path === "/v1/audio/transcriptions") return await transcriptions(req, res);
      sendJson(res, 404, { error: { message: `Unknown route ${req.method} ${path}`, type: "invalid_request_error" } });
    } catch (e) {
      if (!res.headersSent) sendJson(res, 400, { error: { message: String(e), type: "invalid_request_error" } });
      else res.destroy();
    }
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address();
      resolve({
        port: typeof addr === "object" && addr ? addr.port : port,
        server,
        close: () =>
          new Promise<void>((r) => {
            // Hanging (scripted) requests would keep close() waiting forever.
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    }),
  );
}
