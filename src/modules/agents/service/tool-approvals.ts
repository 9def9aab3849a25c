import { and, eq, sql } from "drizzle-orm";
import type { ToolCall } from "../../../platform/ai";
import { type Actor, actingAs, type ServiceContext } from "../../../platform/context";
import { isServiceError } from "../../../platform/errors";
import { workspaceMembers } from "../../../platform/identity/tables";
import { type ApprovalRow, openApproval, registerApprovalHandler } from "../../approvals/internal";
import { approvals } from "../../approvals/tables";
import { members } from "../../members/tables";
import type { AgentRow } from "../internal";
import { type AgentRunStep, agentRuns, agents } from "../tables";
import { getTool } from "../tools/registry";
import { employeeContext } from "./actor";

/** What a tool-call approval records in its details (shown to deciders, read back to run it). */
interface ToolCallDetails {
  tool: string;
  arguments: unknown;
  agent_id: string;
  agent_name: string;
  run_id: string;
  tool_call_id: string;
  invoked_by_member_id: string | null;
  /** Set once, when the decision was carried out (the claim that makes it run at most once). */
  execution?: { status: "running" | "succeeded" | "failed" | "not_run"; result?: unknown; at: string };
}

/**
 * The model called a tool flagged needsApproval: nothing runs now. An approval is opened (one per
 * run and tool call) and the model is told it waits, with the approval's id.
 */
export async function requestToolApproval(
  ctx: ServiceContext,
  agent: AgentRow,
  runId: string,
  call: ToolCall,
  args: unknown,
): Promise<{ status: "awaiting_approval"; approval_id: string; message: string }> {
  const [run] = await ctx.db.select({ invokedBy: agentRuns.invokedByMemberId }).from(agentRuns).where(eq(agentRuns.id, runId));
  const details: ToolCallDetails = {
    tool: call.name,
    arguments: args,
    agent_id: agent.id,
    agent_name: agent.name,
    run_id: runId,
    tool_call_id: call.id,
    invoked_by_member_id: run?.invokedBy ?? null,
  };
  const a = await openApproval(ctx, ctx.db, {
    source: "tool_call",
    sourceId: `${runId}:${call.id}`,
    title: `${agent.name} wants to run ${call.name}`,
    summary: `${agent.name} asked to run the tool ${call.name}. It runs with the arguments shown only if approved.`,
    details: details as unknown as Record<string, unknown>,
    requestedBy: run?.invokedBy ?? null,
  });
  return {
    status: "awaiting_approval",
    approval_id: a.id,
    message: `The tool ${call.name} needs a person's approval; it was not run. It runs if approval ${a.id} is approved. Tell the user it awaits approval.`,
  };
}

/** Claims the execution of a decided approval: true for exactly one caller, ever. */
async function claim(ctx: ServiceContext, id: string): Promise<boolean> {
  const running = { status: "running", at: new Date().toISOString() };
  const rows = await ctx.db
    .update(approvals)
    .set({ details: sql`${approvals.details} || ${JSON.stringify({ execution: running })}::jsonb` })
    .where(and(eq(approvals.id, id), sql`not (${approvals.details} ? 'execution')`))
    .returning({ id: approvals.id });
  return rows.length > 0;
}

async function record(
  ctx: ServiceContext,
  a: ApprovalRow,
  d: ToolCallDetails,
  status: "succeeded" | "failed" | "not_run",
  result: unknown,
) {
  const at = new Date().toISOString();
  await ctx.db
    .update(approvals)
    .set({ details: sql`${approvals.details} || ${JSON.stringify({ execution: { status, result, at } })}::jsonb` })
    .where(eq(approvals.id, a.id));
  // The run's log shows what became of the call (a run may have finished long ago).
  const step: AgentRunStep = {
    index: -1,
    type: "tool_result",
    id: d.tool_call_id,
    name: d.tool,
    result: { approval_id: a.id, approval: a.status, outcome: a.outcome, execution: status, result },
    is_error: status !== "succeeded",
    duration_ms: 0,
    at,
  };
  await ctx.db
    .update(agentRuns)
    .set({
      steps: sql`${agentRuns.steps} || jsonb_build_array(jsonb_set(${JSON.stringify(step)}::jsonb, '{index}', to_jsonb(jsonb_array_length(${agentRuns.steps}))))`,
    })
    .where(eq(agentRuns.id, d.run_id));
}

/** The invoking person's context (their current role), and from it the employee's, as the runner builds them. */
async function employeeFor(ctx: ServiceContext, d: ToolCallDetails): Promise<ServiceContext | string> {
  const [agent] = await ctx.db.select().from(agents).where(eq(agents.id, d.agent_id));
  if (!agent) return "The AI employee no longer exists";
  if (!d.invoked_by_member_id) return "The person who started the run is no longer a member";
  const [inv] = await ctx.db.select().from(members).where(eq(members.id, d.invoked_by_member_id));
  const workspaceId = ctx.workspace?.id;
  if (!inv?.isActive || !workspaceId) return "The person who started the run is no longer a member";
  const [membership] = await ctx.control
    .select()
    .from(workspaceMembers)
    .where(
      and(eq(workspaceMembers.workspaceId, workspaceId), eq(workspaceMembers.userId, inv.userId), eq(workspaceMembers.status, "active")),
    );
  if (!membership) return "The person who started the run is no longer a member";
  const actor: Actor = { kind: "user", userId: inv.userId, email: inv.email };
  const invoker = actingAs(ctx, actor, { id: workspaceId, role: membership.role, membershipId: membership.id });
  return employeeContext(invoker, agent);
}

registerApprovalHandler("tool_call", {
  /** After commit, once per approval: approved → run the tool as the employee; otherwise record it was not run. */
  async afterDecided(ctx, a) {
    const d = a.details as unknown as ToolCallDetails;
    if (!(await claim(ctx, a.id))) return;
    if (a.outcome !== "approved") {
      await record(ctx, a, d, "not_run", { message: `Not run: the approval was ${a.status.replace("_", " ")}` });
      return;
    }
    const tool = getTool(d.tool);
    if (!tool) {
      await record(ctx, a, d, "failed", { error: { code: "not_found", message: `The tool ${d.tool} no longer exists` } });
      return;
    }
    const employee = await employeeFor(ctx, d);
    if (typeof employee === "string") {
      await record(ctx, a, d, "failed", { error: { code: "forbidden", message: employee } });
      return;
    }
    try {
      await record(ctx, a, d, "succeeded", (await tool.run(employee, d.arguments)) ?? { ok: true });
    } catch (e) {
      const error = isServiceError(e)
        ? { code: e.code, message: e.message }
        : { code: "internal_error", message: "The tool failed unexpectedly" };
      if (!isServiceError(e))
        console.error(JSON.stringify({ level: "error", msg: "approved tool failed", approval_id: a.id, error: String(e) }));
      await record(ctx, a, d, "failed", { error });
    }
  },
});
