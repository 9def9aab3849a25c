import { z } from "@hono/zod-openapi";

export const ValidationIssueSchema = z
  .object({
    loc: z.array(z.union([z.string(), z.number()])),
    msg: z.string(),
    type: z.string(),
  })
  .openapi("ValidationIssue");

export const ErrorSchema = z
  .object({
    detail: z.union([z.string(), z.array(ValidationIssueSchema)]).openapi({ description: "Message, or field issues for 422" }),
    code: z.string().openapi({ example: "not_found" }),
    request_id: z.string(),
  })
  .openapi("Error");

const ERROR_TEXT: Record<number, string> = {
  400: "Bad request",
  401: "Not authenticated, or the token is invalid or expired",
  402: "Insufficient credits",
  403: "Not allowed",
  404: "Not found (or not visible to you)",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Validation error",
  429: "Rate limited",
  500: "Internal error",
  503: "Service unavailable",
};

/** Error responses for a route, in the platform shape. 422 is always included. */
export function errorResponses(...codes: number[]) {
  const out: Record<number, { description: string; content: { "application/json": { schema: typeof ErrorSchema } } }> = {};
  for (const code of new Set([...codes, 422])) {
    out[code] = { description: ERROR_TEXT[code] ?? "Error", content: { "application/json": { schema: ErrorSchema } } };
  }
  return out;
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } };
}

/** Security requirement of routes that take a user's bearer token (or an API key). */
export const bearerSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

/** Required with a user's token (the middleware enforces it); an API key brings its own workspace. */
export const WorkspaceHeaderSchema = z.object({
  "x-workspace-id": z
    .string()
    .optional()
    .openapi({ description: "The workspace to act in. Required with a user token; optional with an API key (bound to its workspace)." }),
});

export const MessageSchema = z.object({ message: z.string() }).openapi("Message");

/** Timestamps go out as ISO 8601 UTC. */
export const isoDate = z.string().openapi({ format: "date-time", example: "2026-01-01T00:00:00.000Z" });
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** The query parameter of stream routes that take a stream ticket (requireUser({ streamTicket: true })). */
export const TicketQuery = z.object({
  ticket: z.string().optional().openapi({
    description: "A stream ticket from POST /api/v1/auth/stream-tickets, for browsers (EventSource, WebSocket cannot send headers)",
  }),
});
export const STREAM_TICKET_NOTE =
  " Browsers authenticate with `?ticket=` (POST /api/v1/auth/stream-tickets) instead of Authorization and X-Workspace-Id.";

type Operation = { operationId?: string; security?: unknown[] };
const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);
const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");

/**
 * The operationId a generated client names a method after, from the method and the path:
 * `GET /api/v1/channels/{channel_slug}/messages` → `getChannelsByChannelSlugMessages`.
 * (method, path) is unique, and so is this.
 */
export function operationIdOf(method: string, path: string): string {
  const parts = path
    .replace(/^\/api\/v1\//, "/")
    .split("/")
    .filter(Boolean)
    .map((seg) => (seg.startsWith("{") ? `By${pascal(seg.slice(1, -1))}` : pascal(seg)));
  return method.toLowerCase() + parts.join("");
}

/**
 * Completes the generated document in one place: every operation gets an operationId, and an
 * operation that declares no security is public and says so (`security: []`).
 */
export function finishDocument<D extends { paths?: object }>(doc: D): D {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries((item ?? {}) as Record<string, unknown>)) {
      if (!HTTP_METHODS.has(method) || !op || typeof op !== "object") continue;
      const o = op as Operation;
      o.operationId ??= operationIdOf(method, path);
      o.security ??= [];
    }
  }
  return doc;
}
