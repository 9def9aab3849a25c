import { and, eq, like } from "drizzle-orm";
import { isUuid } from "../../platform/ids";
import { type ApprovalRow, cancelApproval, expireApproval, openApproval, registerApprovalHandler } from "../approvals/internal";
import { approvals } from "../approvals/tables";
import { approvalEventType, executor } from "./service/executor";
import { approvalHooks } from "./service/nodes";
import { onCancel } from "./service/runs";
import { FINAL_RUN_STATUSES, workflowRuns } from "./tables";

/**
 * Human approval nodes go through the one approvals inbox: a waiting node opens an approval
 * (`workflow_node`, `<run>:<node>`), a decision there wakes the run's instance with the node's
 * event, and a run cancelled or a node timed out settles the approval the same way.
 */

const sourceId = (runId: string, nodeId: string) => `${runId}:${nodeId}`;

const decisionOf = (a: ApprovalRow) => ({
  outcome: a.status === "timed_out" ? ("timed_out" as const) : (a.outcome ?? "rejected"),
  by: a.decidedBy,
  comment: a.comment,
});

approvalHooks.open = async (s, node, details) => {
  const c = node.config as {
    title: string;
    deciders?: { roles?: string[]; member_ids?: string[] };
    timeout_seconds?: number;
    timeout_outcome?: "approved" | "rejected";
  };
  const seconds = c.timeout_seconds ?? 604_800;
  await s.sys.db.transaction((tx) =>
    openApproval(s.sys, tx, {
      source: "workflow_node",
      sourceId: sourceId(s.run.id, node.id),
      title: c.title,
      summary: `A workflow run waits at node "${node.id}"`,
      details: { run_id: s.run.id, workflow_id: s.run.workflowId, node_id: node.id, details: details ?? null },
      deciders: {
        ...(c.deciders?.roles?.length ? { roles: c.deciders.roles } : {}),
        ...(c.deciders?.member_ids?.length ? { memberIds: c.deciders.member_ids } : {}),
      },
      expiresAt: new Date(Date.now() + seconds * 1000),
      timeoutOutcome: c.timeout_outcome ?? "rejected",
      requestedBy: s.run.startedByMemberId,
    }),
  );
};

approvalHooks.timedOut = async (s, node) => {
  const [a] = await s.sys.db
    .select()
    .from(approvals)
    .where(and(eq(approvals.source, "workflow_node"), eq(approvals.sourceId, sourceId(s.run.id, node.id))));
  if (!a) return null;
  if (a.status !== "pending") return decisionOf(a);
  const expired = await expireApproval(s.sys, a.id);
  if (expired) return decisionOf(expired);
  // Someone decided in the same instant: theirs stands.
  const [now] = await s.sys.db.select().from(approvals).where(eq(approvals.id, a.id));
  return now && now.status !== "pending" ? decisionOf(now) : null;
};

registerApprovalHandler("workflow_node", {
  async afterDecided(ctx, a) {
    const [runId, nodeId] = a.sourceId.split(":");
    if (!runId || !nodeId || !isUuid(runId) || a.status === "cancelled") return;
    const [run] = await ctx.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
    if (!run?.instanceId || FINAL_RUN_STATUSES.includes(run.status)) return;
    await executor.send(ctx.env, run.instanceId, approvalEventType(nodeId), decisionOf(a));
  },
});

onCancel(async (ctx, run) => {
  const pending = await ctx.db
    .select({ sourceId: approvals.sourceId })
    .from(approvals)
    .where(and(eq(approvals.source, "workflow_node"), eq(approvals.status, "pending"), like(approvals.sourceId, `${run.id}:%`)));
  for (const p of pending) await ctx.db.transaction((tx) => cancelApproval(ctx, tx, "workflow_node", p.sourceId));
});
