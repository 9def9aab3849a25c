import type { ServiceContext } from "../../platform/context";
import { fromBase64Url, hmacSign, hmacVerify, toBase64Url } from "../../platform/crypto";
import type { Tx } from "../../platform/db";
import { iso } from "../../platform/openapi";
import type { approvalEvents, approvals } from "./tables";

export type { Tx };
export type ApprovalRow = typeof approvals.$inferSelect;
export type ApprovalEventRow = typeof approvalEvents.$inferSelect;

export const APPROVAL_SOURCES = ["workflow_node", "tool_call", "artifact_proposal"] as const;
export type ApprovalSource = (typeof APPROVAL_SOURCES)[number];
export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "timed_out", "cancelled"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
export type ApprovalOutcome = "approved" | "rejected";
export type DecidedVia = "api" | "link";

export interface OpenApprovalInput {
  source: ApprovalSource;
  /** e.g. `${runId}:${nodeId}`, a proposal id, a tool call id; unique with source. */
  sourceId: string;
  title: string;
  summary?: string;
  /** Shown to deciders (e.g. the tool's arguments). */
  details?: Record<string, unknown>;
  /** None = holders of can_decide_approval. */
  deciders?: { roles?: string[]; memberIds?: string[] };
  expiresAt?: Date | null;
  /** Applied at expiry; default "rejected". */
  timeoutOutcome?: ApprovalOutcome;
  /** Member id. */
  requestedBy?: string | null;
}

export interface ApprovalHandler {
  /** Inside the deciding transaction (update the source's own rows). */
  decided?(ctx: ServiceContext, tx: Tx, approval: ApprovalRow): Promise<void>;
  /** After commit (e.g. wake a waiting workflow). Must be idempotent: retried by the sweep until it succeeds. */
  afterDecided?(ctx: ServiceContext, approval: ApprovalRow): Promise<void>;
}

const handlers = new Map<ApprovalSource, ApprovalHandler>();

/** One handler per source, registered at import time by the source's module. */
export function registerApprovalHandler(source: ApprovalSource, h: ApprovalHandler): void {
  handlers.set(source, h);
}

export const handlerFor = (source: string): ApprovalHandler | undefined => handlers.get(source as ApprovalSource);

export function toApproval(r: ApprovalRow) {
  return {
    id: r.id,
    source: r.source,
    source_id: r.sourceId,
    title: r.title,
    summary: r.summary,
    details: r.details,
    deciders: { member_ids: r.deciderMemberIds, roles: r.deciderRoles },
    status: r.status,
    outcome: r.outcome,
    expires_at: iso(r.expiresAt),
    timeout_outcome: r.timeoutOutcome,
    requested_by: r.requestedBy,
    decided_by: r.decidedBy,
    decided_via: r.decidedVia,
    comment: r.comment,
    decided_at: iso(r.decidedAt),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export function toApprovalEvent(e: ApprovalEventRow) {
  return {
    id: e.id,
    kind: e.kind,
    actor_member_id: e.actorMemberId,
    via: e.via,
    comment: e.comment,
    data: e.data,
    created_at: e.createdAt.toISOString(),
  };
}

// ---- Signed decision links -------------------------------------------------------------------
// A token names one approval of one workspace, one decider and an expiry, signed with SIGNING_KEY
// (HMAC-SHA-256, purpose-tagged so no other signed message of the platform verifies as a link).
// It is a capability for exactly that: see and decide that approval as that decider.

export interface LinkClaims {
  workspaceId: string;
  approvalId: string;
  memberId: string;
  /** Unix seconds. */
  exp: number;
}

const LINK_PURPOSE = "atrium.approval-link.v1";
const enc = new TextEncoder();
const dec = new TextDecoder();

export async function signApprovalLink(secret: string, c: LinkClaims): Promise<string> {
  const payload = toBase64Url(enc.encode(JSON.stringify([c.workspaceId, c.approvalId, c.memberId, c.exp])));
  return `${payload}.${await hmacSign(secret, `${LINK_PURPOSE}.${payload}`)}`;
}

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false };

/** Signature first (a forged token learns nothing), then shape, then expiry: one answer for all failures. */
export async function verifyApprovalLink(secret: string, token: string, now = Date.now()): Promise<LinkCheck> {
  const m = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false };
  const [, payload, sig] = m as unknown as [string, string, string];
  if (!(await hmacVerify(secret, `${LINK_PURPOSE}.${payload}`, sig))) return { ok: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(dec.decode(fromBase64Url(payload)));
  } catch {
    return { ok: false };
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return { ok: false };
  const [workspaceId, approvalId, memberId, exp] = parsed as unknown[];
  if (typeof workspaceId !== "string" || typeof approvalId !== "string" || typeof memberId !== "string") return { ok: false };
  if (typeof exp !== "number" || !Number.isSafeInteger(exp) || exp * 1000 <= now) return { ok: false };
  return { ok: true, claims: { workspaceId, approvalId, memberId, exp } };
}

// The verbs other modules call (workflow approval nodes, artifact proposals, tool calls).
export {
  cancelApproval,
  type DecideInput,
  decideApproval,
  expireApproval,
  openApproval,
  sweepApprovals,
  sweepWorkspaceApprovals,
} from "./service";
