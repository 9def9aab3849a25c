/**
 * Service errors know nothing of HTTP: each edge (HTTP surface, queue consumer, Durable Object)
 * maps them. `status` is the HTTP mapping used by the platform surface and the dialects.
 */
export type ErrorCode =
  | "bad_request"
  | "validation_error"
  | "unauthorized"
  | "invalid_token"
  | "token_expired"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "insufficient_credits"
  | "limit_exceeded"
  | "payment_required"
  | "payment_failed"
  | "feature_not_available"
  | "billing_provider_error"
  | "extraction_failed"
  | "ai_provider_error"
  | "ai_provider_timeout"
  | "migration_required"
  | "provisioning_failed"
  | "service_unavailable"
  | "internal_error";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_error: 422,
  unauthorized: 401,
  invalid_token: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  insufficient_credits: 402,
  /** A tier limit (seats, workflows, storage, …) would be exceeded. */
  limit_exceeded: 402,
  /** The workspace's subscription is not active (trial over, canceled, unpaid). */
  payment_required: 402,
  /** A charge was declined. */
  payment_failed: 402,
  /** The workspace's tier does not include this feature. */
  feature_not_available: 403,
  /** Stripe failed or could not be reached. */
  billing_provider_error: 502,
  /** The model's output did not match the requested JSON Schema, even after a repair retry. */
  extraction_failed: 422,
  /** The model server failed (5xx, refused, malformed answer). */
  ai_provider_error: 502,
  /** The model server did not answer in time. */
  ai_provider_timeout: 504,
  migration_required: 503,
  provisioning_failed: 500,
  service_unavailable: 503,
  internal_error: 500,
};

/** One field problem, in FastAPI's shape (`loc` is the path to the field). */
export interface FieldIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly issues?: FieldIssue[];
  /** Seconds until a retry can succeed (`Retry-After`). */
  readonly retryAfter?: number;
  /** More fields for the error body (what a limit is and how to raise it). */
  readonly extra?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { retryable?: boolean; issues?: FieldIssue[]; cause?: unknown; retryAfter?: number; extra?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "ServiceError";
    this.code = code;
    this.status = STATUS[code];
    this.retryable = opts.retryable ?? false;
    if (opts.issues) this.issues = opts.issues;
    if (opts.retryAfter !== undefined) this.retryAfter = opts.retryAfter;
    if (opts.extra) this.extra = opts.extra;
  }
}

export const notFound = (what: string) => new ServiceError("not_found", `${what} not found`);
export const unauthorized = (message = "Not authenticated") => new ServiceError("unauthorized", message);
export const forbidden = (message = "You do not have permission to do this") => new ServiceError("forbidden", message);
export const conflict = (message: string) => new ServiceError("conflict", message);
export const badRequest = (message: string) => new ServiceError("bad_request", message);
/** A single-field validation failure raised by a service (after schema validation passed). */
export const invalidField = (loc: (string | number)[], msg: string, type = "value_error") =>
  new ServiceError("validation_error", msg, { issues: [{ loc, msg, type }] });

export const isServiceError = (e: unknown): e is ServiceError => e instanceof ServiceError;
