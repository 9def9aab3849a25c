import { and, asc, desc, eq, or, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { hasPermission } from "../../permissions/service";
import { type ApprovalRow, toApproval, toApprovalEvent, verifyApprovalLink } from "../internal";
import type { ListApprovalsQuery } from "../schemas";
import { approvalEvents, approvals } from "../tables";
import { decidableBy, mayDecide, maySee } from "./access";
import { approvalRow, decideApproval } from "./core";
import { bindLinkWorkspace } from "./scope";

/**
 * Approvals the caller sees, newest first: holders of can_view_approvals see all; others see those
 * they requested or may decide. mine=true keeps only those the caller may decide.
 */
export async function listApprovals(ctx: ServiceContext, q: ListApprovalsQuery) {
  const me = await currentMember(ctx);
  const decider = await hasPermission(ctx, "can_decide_approval");
  const viewAll = await hasPermission(ctx, "can_view_approvals");
  const where: (SQL | undefined)[] = [];
  if (q.status) where.push(eq(approvals.status, q.status));
  if (q.source) where.push(eq(approvals.source, q.source));
  if (q.requested_by) where.push(eq(approvals.requestedBy, q.requested_by));
  const decidable = decidableBy(me, decider);
  if (q.mine) where.push(decidable);
  else if (!viewAll) where.push(or(decidable, eq(approvals.requestedBy, me.id)));
  const rows = await ctx.db
    .select({ row: approvals, decidable: sql<boolean>`${decidable}` })
    .from(approvals)
    .where(and(...where))
    .orderBy(desc(approvals.createdAt), desc(approvals.id))
    .offset(q.skip)
    .limit(q.limit);
  return rows.map(({ row, decidable }) => ({ ...toApproval(row), can_decide: row.status === "pending" && decidable === true }));
}

/** One approval the caller may see, with its audit trail (else 404). */
export async function getApproval(ctx: ServiceContext, id: string) {
  const row = await approvalRow(ctx, id);
  const me = await currentMember(ctx);
  if (!(await maySee(ctx, row, me))) throw new ServiceError("not_found", "Approval not found");
  return withTrail(ctx, row, row.status === "pending" && (await mayDecide(ctx.db, row, me)));
}

async function withTrail(ctx: ServiceContext, row: ApprovalRow, canDecide: boolean) {
  const events = await ctx.db
    .select()
    .from(approvalEvents)
    .where(eq(approvalEvents.approvalId, row.id))
    .orderBy(asc(approvalEvents.createdAt), asc(approvalEvents.id));
  return { ...toApproval(row), can_decide: canDecide, events: events.map(toApprovalEvent) };
}

export async function decideByApi(ctx: ServiceContext, id: string, outcome: "approved" | "rejected", comment?: string | null) {
  const row = await decideApproval(ctx, id, { outcome, comment: comment ?? null, via: "api" });
  return withTrail(ctx, row, false);
}

// ---- Signed links (anonymous) ----------------------------------------------------------------

const LINK_GONE = () => new ServiceError("not_found", "This approval link is invalid or has expired");

/**
 * Resolves a link to its approval, in a context bound to the link's workspace. Every failure
 * (forged, tampered, expired, unknown workspace or approval, decider who may no longer decide)
 * is the same 404, so the answer reveals nothing.
 */
async function resolveLink(ctx: ServiceContext, token: string) {
  const check = await verifyApprovalLink(ctx.env.SIGNING_KEY, token);
  if (!check.ok) throw LINK_GONE();
  const { workspaceId, approvalId, memberId } = check.claims;
  if (!(await bindLinkWorkspace(ctx, workspaceId).catch(() => false))) throw LINK_GONE();
  const lctx = ctx;
  const [row] = await lctx.db.select().from(approvals).where(eq(approvals.id, approvalId));
  if (!row) throw LINK_GONE();
  const [m] = await lctx.db.select().from(members).where(eq(members.id, memberId));
  if (!(await mayDecide(lctx.db, row, m))) throw LINK_GONE();
  return { lctx, row, member: m as typeof members.$inferSelect };
}

function linkView(row: ApprovalRow, member: typeof members.$inferSelect) {
  const a = toApproval(row);
  return {
    id: a.id,
    source: a.source,
    title: a.title,
    summary: a.summary,
    details: a.details,
    status: a.status,
    outcome: a.outcome,
    expires_at: a.expires_at,
    decided_at: a.decided_at,
    created_at: a.created_at,
    decider: { member_id: member.id, name: member.displayName ?? member.fullName ?? member.email },
  };
}

export async function viewByLink(ctx: ServiceContext, token: string) {
  const { row, member } = await resolveLink(ctx, token);
  return linkView(row, member);
}

export async function decideByLink(ctx: ServiceContext, token: string, decision: "approve" | "reject", comment?: string | null) {
  const { lctx, row, member } = await resolveLink(ctx, token);
  const updated = await decideApproval(lctx, row.id, {
    outcome: decision === "approve" ? "approved" : "rejected",
    comment: comment ?? null,
    via: "link",
    memberId: member.id,
  });
  return linkView(updated, member);
}
