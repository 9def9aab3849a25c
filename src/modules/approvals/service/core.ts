import { and, eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { conflict, ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import {
  type ApprovalOutcome,
  type ApprovalRow,
  type ApprovalSource,
  type DecidedVia,
  handlerFor,
  type OpenApprovalInput,
  type Tx,
} from "../internal";
import { approvalEvents, approvals } from "../tables";
import { mayDecide, maySee } from "./access";
import { scheduleNotification } from "./notify";

const log = (msg: string, extra: Record<string, unknown>) => console.error(JSON.stringify({ level: "error", msg, ...extra }));

/**
 * Opens an approval, idempotent on (source, source_id): a second call returns the existing row
 * (whatever its status) and writes nothing. Deciders are notified after the caller's
 * transaction commits (the sweep catches a notification a dying request never sent).
 */
export async function openApproval(ctx: ServiceContext, tx: Tx, input: OpenApprovalInput): Promise<ApprovalRow> {
  const memberIds = [...new Set(input.deciders?.memberIds ?? [])];
  if (memberIds.some((id) => !isUuid(id))) throw new ServiceError("validation_error", "deciders.memberIds must be member ids");
  const [inserted] = await tx
    .insert(approvals)
    .values({
      source: input.source,
      sourceId: input.sourceId,
      title: input.title.slice(0, 500),
      summary: input.summary ?? null,
      details: input.details ?? {},
      deciderMemberIds: memberIds,
      deciderRoles: [...new Set(input.deciders?.roles ?? [])],
      expiresAt: input.expiresAt ?? null,
      timeoutOutcome: input.timeoutOutcome ?? "rejected",
      requestedBy: input.requestedBy ?? null,
    })
    .onConflictDoNothing({ target: [approvals.source, approvals.sourceId] })
    .returning();
  if (!inserted) {
    const [existing] = await tx
      .select()
      .from(approvals)
      .where(and(eq(approvals.source, input.source), eq(approvals.sourceId, input.sourceId)));
    if (!existing) throw new ServiceError("conflict", "The approval changed at the same time; try again", { retryable: true });
    return existing;
  }
  await tx
    .insert(approvalEvents)
    .values({ approvalId: inserted.id, kind: "opened", actorMemberId: input.requestedBy ?? null, via: "system" });
  scheduleNotification(ctx, inserted.id);
  return inserted;
}

/** The approval row of this workspace; malformed and unknown ids are the same 404. */
export async function approvalRow(ctx: ServiceContext, id: string): Promise<ApprovalRow> {
  if (!isUuid(id)) throw new ServiceError("not_found", "Approval not found");
  const [row] = await ctx.db.select().from(approvals).where(eq(approvals.id, id));
  if (!row) throw new ServiceError("not_found", "Approval not found");
  return row;
}

/**
 * Moves a pending approval to its final status in one transaction: compare-and-set on
 * status = pending (the loser of a race gets null), the audit event, and the source's
 * `decided` hook. The `afterDecided` hook runs after commit.
 */
async function settle(
  ctx: ServiceContext,
  id: string,
  set: {
    status: "approved" | "rejected" | "timed_out";
    outcome: ApprovalOutcome | null;
    decidedBy: string | null;
    decidedVia: "api" | "link" | "timeout";
    comment: string | null;
  },
  event: { kind: "approved" | "rejected" | "timed_out"; data?: Record<string, unknown> },
  check?: (tx: Tx, row: ApprovalRow) => Promise<void>,
): Promise<ApprovalRow | null> {
  const row = await ctx.db.transaction(async (tx) => {
    // Lock the row so a decision and a member change/expiry cannot interleave.
    const [current] = await tx.select().from(approvals).where(eq(approvals.id, id)).for("update");
    if (current?.status !== "pending") return null;
    if (check) await check(tx, current);
    const handler = handlerFor(current.source);
    const [updated] = await tx
      .update(approvals)
      .set({
        ...set,
        decidedAt: new Date(),
        // A source without an after-commit hook has nothing left to do.
        handledAt: handler?.afterDecided ? null : new Date(),
      })
      .where(and(eq(approvals.id, id), eq(approvals.status, "pending")))
      .returning();
    if (!updated) return null;
    await tx.insert(approvalEvents).values({
      approvalId: id,
      kind: event.kind,
      actorMemberId: set.decidedBy,
      via: set.decidedVia,
      comment: set.comment,
      data: event.data ?? {},
    });
    if (handler?.decided) await handler.decided(ctx, tx, updated);
    return updated;
  });
  if (row) await runAfterDecided(ctx, row);
  return row;
}

/** Runs the source's after-commit hook once more; records success (handled_at) or the error. */
export async function runAfterDecided(ctx: ServiceContext, row: ApprovalRow): Promise<boolean> {
  const handler = handlerFor(row.source);
  if (!handler?.afterDecided || row.handledAt) return true;
  try {
    await handler.afterDecided(ctx, row);
    await ctx.db
      .update(approvals)
      .set({ handledAt: new Date(), handlerAttempts: sql`${approvals.handlerAttempts} + 1`, handlerError: null })
      .where(eq(approvals.id, row.id));
    return true;
  } catch (e) {
    log("approval afterDecided failed", { approval_id: row.id, source: row.source, error: String(e) });
    await ctx.db
      .update(approvals)
      .set({ handlerAttempts: sql`${approvals.handlerAttempts} + 1`, handlerError: String(e).slice(0, 1000) })
      .where(eq(approvals.id, row.id))
      .catch(() => {});
    return false;
  }
}

export interface DecideInput {
  outcome: ApprovalOutcome;
  comment?: string | null | undefined;
  via: DecidedVia;
  /** The deciding member: a signed link's decider; for "api" it is the caller (currentMember). */
  memberId?: string;
}

/**
 * A decider approves or rejects. 404 when the approval is not this workspace's or the caller may
 * not see it; 403 when they see it but may not decide; 409 when it is no longer pending.
 */
export async function decideApproval(ctx: ServiceContext, id: string, input: DecideInput): Promise<ApprovalRow> {
  const current = await approvalRow(ctx, id);
  let decider: typeof members.$inferSelect | undefined;
  if (input.via === "api") {
    // Only people decide: API keys and system actors are refused, and AI employees (whose tool
    // context carries their own member) fail mayDecide.
    if (ctx.actor.kind !== "user") throw new ServiceError("forbidden", "Only a member signed in as themself can decide approvals");
    decider = await currentMember(ctx);
    if (!(await maySee(ctx, current, decider))) throw new ServiceError("not_found", "Approval not found");
  } else {
    if (!input.memberId) throw new ServiceError("internal_error", "A link decision needs its decider");
    [decider] = await ctx.db.select().from(members).where(eq(members.id, input.memberId));
  }
  if (current.status !== "pending") throw conflict(`This approval is already ${current.status.replace("_", " ")}`);
  const memberId = decider?.id ?? null;
  const row = await settle(
    ctx,
    current.id,
    { status: input.outcome, outcome: input.outcome, decidedBy: memberId, decidedVia: input.via, comment: input.comment ?? null },
    { kind: input.outcome },
    async (tx, locked) => {
      const [fresh] = memberId ? await tx.select().from(members).where(eq(members.id, memberId)) : [];
      if (!(await mayDecide(tx, locked, fresh))) throw new ServiceError("forbidden", "You may not decide this approval");
      if (locked.expiresAt && locked.expiresAt.getTime() <= Date.now()) throw conflict("This approval has expired");
    },
  );
  if (!row) throw conflict("This approval was decided at the same time");
  return row;
}

/**
 * Applies the timeout outcome if the approval is still pending (compare-and-set); null when it
 * was already settled. Used by the sweep and by sources whose own timer fired first.
 */
export function expireApproval(ctx: ServiceContext, id: string): Promise<ApprovalRow | null> {
  return (async () => {
    if (!isUuid(id)) return null;
    const [current] = await ctx.db.select().from(approvals).where(eq(approvals.id, id));
    if (current?.status !== "pending") return null;
    const outcome = current.timeoutOutcome === "approved" ? "approved" : "rejected";
    return settle(
      ctx,
      id,
      { status: "timed_out", outcome, decidedBy: null, decidedVia: "timeout", comment: null },
      { kind: "timed_out", data: { outcome } },
    );
  })();
}

/**
 * For a source that no longer needs the decision (a cancelled workflow run): pending → cancelled
 * inside the source's transaction. No hook runs (the source asked). Null when nothing was pending.
 */
export async function cancelApproval(ctx: ServiceContext, tx: Tx, source: ApprovalSource, sourceId: string): Promise<ApprovalRow | null> {
  void ctx;
  const [row] = await tx
    .update(approvals)
    .set({ status: "cancelled", decidedAt: new Date(), decidedVia: "system", handledAt: new Date() })
    .where(and(eq(approvals.source, source), eq(approvals.sourceId, sourceId), eq(approvals.status, "pending")))
    .returning();
  if (!row) return null;
  await tx.insert(approvalEvents).values({ approvalId: row.id, kind: "cancelled", via: "system" });
  return row;
}
