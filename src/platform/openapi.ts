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
