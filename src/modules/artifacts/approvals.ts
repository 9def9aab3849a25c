import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { decideApproval, registerApprovalHandler } from "../approvals/internal";
import { mayDecide } from "../approvals/service/access";
import { approvals } from "../approvals/tables";
import { currentMember } from "../members/service";
import { decideProposal } from "./service";
import { artifactProposals } from "./tables";

/**
 * Proposals are decided through the approvals inbox: one whose checks pass opens an
 * `artifact_proposal` approval; deciding it there (or through the proposal's own approve/reject
 * routes, which settle the same approval) applies the decision to the proposal in the same
 * transaction, so the two never disagree.
 */
registerApprovalHandler("artifact_proposal", {
  async decided(ctx, tx, a) {
    if (!isUuid(a.sourceId)) return;
    const [p] = await tx.select().from(artifactProposals).where(eq(artifactProposals.id, a.sourceId));
    // A proposal that is gone has nothing left to apply; the decision stands in the inbox.
    if (!p) return;
    // A signed link carries no session: its decider is vetted by the inbox, and still may not approve their own proposal.
    const viaLink = a.decidedVia !== "api";
    if (viaLink && a.outcome === "approved" && a.decidedBy && a.decidedBy === p.proposedByMemberId) {
      throw new ServiceError("forbidden", "You cannot approve your own proposal");
    }
    await decideProposal(ctx, tx, p.id, { outcome: a.outcome ?? "rejected", by: viaLink ? null : a.decidedBy, comment: a.comment });
  },
});

/**
 * The proposal's pending approval, when the caller is one of its deciders: the proposal's routes
 * decide through it. False otherwise (the caller decides the proposal directly, with
 * can_approve_artifact_proposal, and the inbox item is withdrawn in that transaction).
 */
export async function decideThroughInbox(
  ctx: ServiceContext,
  proposalId: string,
  outcome: "approved" | "rejected",
  comment: string | null,
): Promise<boolean> {
  const [a] = await ctx.db
    .select()
    .from(approvals)
    .where(and(eq(approvals.source, "artifact_proposal"), eq(approvals.sourceId, proposalId), eq(approvals.status, "pending")));
  if (!a) return false;
  const me = await currentMember(ctx);
  if (!(await mayDecide(ctx.db, a, me))) return false;
  await decideApproval(ctx, a.id, { outcome, comment, via: "api" });
  return true;
}
