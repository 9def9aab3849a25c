import { and, eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { Bindings } from "../../../env";
import { actingAs, createContext, type ServiceContext } from "../../../platform/context";
import { decryptSecret } from "../../../platform/crypto";
import { ServiceError } from "../../../platform/errors";
import { outboundFetch } from "../../../platform/outbound";
import { resolveWorkspaceForSystem } from "../../../platform/tenancy/resolve";
import { members } from "../../members/tables";
import { requirePermission } from "../../permissions/service";
import type { WorkflowDefinition, WorkflowNode } from "../definition";
import type { ExpressionScope } from "../expressions";
import { type NodeRunRow, type RunRow, runRoom } from "../internal";
import type { NodeState } from "../plan";
import { FINAL_RUN_STATUSES, workflowNodeRuns, workflowRuns } from "../tables";
import { executeNode, resolveInputs, whenAllows } from "./execute";
import { type ApprovalDecision, childEventType, executor, type RunParams } from "./executor";
import { finishRun, MAX_RUN_DEPTH, startRun } from "./runs";
import { versionRow, workflowRow } from "./workflows";

/**
 * The run interpreter's bookkeeping, one call per Workflow step: every write of a run and its
 * nodes goes through here, so Postgres is the record whatever the executor keeps.
 */

export interface RunScope {
  /** System context bound to the workspace. */
  sys: ServiceContext;
  /** Acting as the member the run acts as; null when they left (nodes then fail). */
  ctx: ServiceContext | null;
  run: RunRow;
}

/**
 * The connections of one invocation of the interpreter, kept across its steps (a new connection per
 * step cost more than the node's own queries). Released before the run waits (a sleep, an
 * approval, a child run) and after any failure, so a waiting run holds no connection and a broken
 * one is not reused.
 */
export class RunSession {
  private sys: ServiceContext | null = null;
  private workspace: { id: string } | null = null;

  constructor(
    private readonly env: Bindings,
    private readonly waitUntil: (p: Promise<unknown>) => void,
    private readonly p: RunParams,
  ) {}

  async with<T>(work: (s: RunScope) => Promise<T>): Promise<T> {
    try {
      if (!this.sys) {
        this.sys = createContext({
          env: this.env,
          requestId: `wf-${this.p.run_id}`,
          actor: { kind: "system", name: "workflow-run" },
          waitUntil: this.waitUntil,
        });
        this.workspace = await resolveWorkspaceForSystem(this.sys, this.p.workspace_id);
      }
      const sys = this.sys;
      const [row] = await sys.db
        .select({ run: workflowRuns, member: members })
        .from(workflowRuns)
        .leftJoin(members, eq(members.id, workflowRuns.runAsMemberId))
        .where(eq(workflowRuns.id, this.p.run_id));
      if (!row) throw new ServiceError("not_found", "Run not found");
      const m = row.member;
      const ctx = m?.isActive
        ? actingAs(
            sys,
            { kind: "user", userId: m.userId, email: "" },
            { id: this.workspace?.id ?? this.p.workspace_id, role: m.role, membershipId: "" },
          )
        : null;
      return await work({ sys, ctx, run: row.run });
    } catch (e) {
      await this.release();
      throw e;
    }
  }

  async release(): Promise<void> {
    const sys = this.sys;
    this.sys = null;
    if (sys) await sys.connections.close().catch(() => {});
  }
}

/** The room's publish, typed loosely: event data is plain JSON. */
type Publisher = { publish(event: string, data: Record<string, unknown>): Promise<unknown> };
const publish = (s: RunScope, event: string, data: Record<string, unknown>) =>
  (runRoom(s.sys.env, s.run.id) as unknown as Publisher)
    .publish(event, { run_id: s.run.id, ...data })
    .catch((e) => console.error(JSON.stringify({ level: "warn", msg: "run event not published", run_id: s.run.id, error: String(e) })));

const isFinal = (r: RunRow) => FINAL_RUN_STATUSES.includes(r.status);

export type Loaded =
  | { ok: false }
  | {
      ok: true;
      definition: WorkflowDefinition;
      scope: { trigger: unknown; input: unknown; vars: Record<string, unknown> };
      /** Nodes already finished (a re-run's reused nodes, or an earlier instance's before a crash). */
      done: Record<string, NodeState>;
    };

/** The run's definition and inputs; marks it running. A run already ended (cancelled before it started) loads nothing. */
export async function loadRun(s: RunScope): Promise<Loaded> {
  if (isFinal(s.run)) return { ok: false };
  const v = await versionRow(s.sys, s.run.workflowId, s.run.version);
  const given = (s.run.input.variables ?? {}) as Record<string, unknown>;
  const vars = Object.fromEntries(v.definition.variables.map((x) => [x.name, given[x.name] ?? x.default ?? null]));
  const rows = await s.sys.db.select().from(workflowNodeRuns).where(eq(workflowNodeRuns.runId, s.run.id));
  const done: Record<string, NodeState> = {};
  for (const r of rows) {
    if (r.status === "completed") done[r.nodeId] = { status: "completed", output: r.output, port: r.port };
    else if (r.status === "skipped") done[r.nodeId] = { status: "skipped", reason: r.port === "branch" ? "branch" : "when" };
  }
  const [started] = await s.sys.db
    .update(workflowRuns)
    .set({ status: "running", startedAt: sql`coalesce(${workflowRuns.startedAt}, now())` })
    .where(and(eq(workflowRuns.id, s.run.id), eq(workflowRuns.status, "queued")))
    .returning({ id: workflowRuns.id });
  if (started) await publish(s, "run.started", { status: "running", version: s.run.version });
  return { ok: true, definition: v.definition, scope: { trigger: s.run.trigger, input: s.run.input, vars }, done };
}

async function nodeRow(s: RunScope, nodeId: string): Promise<NodeRunRow | undefined> {
  const [r] = await s.sys.db
    .select()
    .from(workflowNodeRuns)
    .where(and(eq(workflowNodeRuns.runId, s.run.id), eq(workflowNodeRuns.nodeId, nodeId)));
  return r;
}

async function upsertNode(s: RunScope, node: WorkflowNode, set: Partial<typeof workflowNodeRuns.$inferInsert>) {
  await s.sys.db
    .insert(workflowNodeRuns)
    .values({ runId: s.run.id, nodeId: node.id, component: node.component, status: "running", startedAt: new Date(), ...set })
    .onConflictDoUpdate({ target: [workflowNodeRuns.runId, workflowNodeRuns.nodeId], set });
}

export type StepOutcome = NodeState | { status: "cancelled" };

/** A node the interpreter found off the taken path. */
export async function skipNode(s: RunScope, node: WorkflowNode, reason: "when" | "branch"): Promise<void> {
  await upsertNode(s, node, { status: "skipped", port: reason, finishedAt: new Date() });
  await publish(s, "node.skipped", { node_id: node.id, status: "skipped", reason });
}

/**
 * One attempt of a node. A node already completed (this attempt's effect landed but the step's
 * result was lost in a crash, or a re-run reuses it) returns what it produced without running again.
 */
export async function runNode(s: RunScope, node: WorkflowNode, scope: ExpressionScope, attempt: number): Promise<StepOutcome> {
  if (isFinal(s.run)) return { status: "cancelled" };
  const prior = await nodeRow(s, node.id);
  if (prior?.status === "completed") return { status: "completed", output: prior.output, port: prior.port };
  await upsertNode(s, node, { status: "running", attempts: attempt, error: null });
  try {
    if (!whenAllows(node, scope)) {
      await skipNode(s, node, "when");
      return { status: "skipped", reason: "when" };
    }
    const inputs = resolveInputs(node, scope);
    await s.sys.db
      .update(workflowNodeRuns)
      .set({ input: inputs })
      .where(and(eq(workflowNodeRuns.runId, s.run.id), eq(workflowNodeRuns.nodeId, node.id)));
    await publish(s, "node.started", { node_id: node.id, status: "running", attempt });
    if (!s.ctx) throw new ServiceError("forbidden", "The member this run acts as is no longer active");
    const r = await executeNode({ ctx: s.ctx, runId: s.run.id, node, inputs, scope, attempt });
    return await completeNode(s, node, { output: r.output, port: r.port ?? null, tokens: r.tokens ?? 0, credits: r.credits ?? 0 });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await s.sys.db
      .update(workflowNodeRuns)
      .set({ error: message.slice(0, 4_000) })
      .where(and(eq(workflowNodeRuns.runId, s.run.id), eq(workflowNodeRuns.nodeId, node.id)));
    await publish(s, "node.error", { node_id: node.id, status: "running", attempt, error: message.slice(0, 1_000) });
    throw e;
  }
}

export async function completeNode(
  s: RunScope,
  node: WorkflowNode,
  r: { output: unknown; port?: string | null; tokens?: number; credits?: number },
): Promise<StepOutcome> {
  const tokens = r.tokens ?? 0;
  const credits = r.credits ?? 0;
  await s.sys.db.transaction(async (tx) => {
    await tx
      .insert(workflowNodeRuns)
      .values({
        runId: s.run.id,
        nodeId: node.id,
        component: node.component,
        status: "completed",
        output: r.output ?? null,
        port: r.port ?? null,
        tokens,
        credits,
        attempts: 1,
        startedAt: new Date(),
        finishedAt: new Date(),
      })
      .onConflictDoUpdate({
        target: [workflowNodeRuns.runId, workflowNodeRuns.nodeId],
        set: { status: "completed", output: r.output ?? null, port: r.port ?? null, tokens, credits, error: null, finishedAt: new Date() },
      });
    if (tokens || credits) {
      await tx
        .update(workflowRuns)
        .set({ tokens: sql`${workflowRuns.tokens} + ${tokens}`, credits: sql`${workflowRuns.credits} + ${credits}` })
        .where(eq(workflowRuns.id, s.run.id));
    }
  });
  await publish(s, "node.completed", { node_id: node.id, status: "completed", port: r.port ?? null, output: r.output ?? null, tokens });
  return { status: "completed", output: r.output ?? null, port: r.port ?? null };
}

/** Hooks the approvals inbox registers: open an approval for a waiting node, settle it on a timeout. */
export const approvalHooks: {
  open?: (s: RunScope, node: WorkflowNode, details: unknown) => Promise<void>;
  timedOut?: (s: RunScope, node: WorkflowNode) => Promise<ApprovalDecision | null>;
} = {};

/** A node that waits (approval, delay, sub-workflow): recorded as waiting; an approval also makes the run waiting. */
export async function waitNode(
  s: RunScope,
  node: WorkflowNode,
  scope: ExpressionScope,
): Promise<StepOutcome | { status: "waiting"; inputs: Record<string, unknown> }> {
  if (isFinal(s.run)) return { status: "cancelled" };
  const prior = await nodeRow(s, node.id);
  if (prior?.status === "completed") return { status: "completed", output: prior.output, port: prior.port };
  if (!whenAllows(node, scope)) {
    await skipNode(s, node, "when");
    return { status: "skipped", reason: "when" };
  }
  const inputs = resolveInputs(node, scope);
  await upsertNode(s, node, { status: "waiting", input: inputs, attempts: 1 });
  if (node.component === "human_approval") {
    await s.sys.db
      .update(workflowRuns)
      .set({ status: "waiting" })
      .where(and(eq(workflowRuns.id, s.run.id), eq(workflowRuns.status, "running")));
    await approvalHooks.open?.(s, node, inputs.details ?? null);
  }
  await publish(s, "node.waiting", { node_id: node.id, status: "waiting", component: node.component });
  return { status: "waiting", inputs };
}

/** An approval node's decision (a person's, or its timeout outcome): the node completes on the approved or rejected port. */
export async function decideNode(s: RunScope, node: WorkflowNode, decision: ApprovalDecision | "timeout"): Promise<StepOutcome> {
  if (isFinal(s.run)) return { status: "cancelled" };
  let d: ApprovalDecision;
  if (decision === "timeout") {
    // The inbox may have recorded a decision in the same instant: its answer wins.
    const settled = await approvalHooks.timedOut?.(s, node);
    d = settled ?? { outcome: "timed_out" };
  } else d = decision;
  const config = node.config as { timeout_outcome?: "approved" | "rejected" };
  const approved = d.outcome === "approved" || (d.outcome === "timed_out" && config.timeout_outcome === "approved");
  await s.sys.db
    .update(workflowRuns)
    .set({ status: "running" })
    .where(and(eq(workflowRuns.id, s.run.id), eq(workflowRuns.status, "waiting")));
  return completeNode(s, node, {
    output: { approved, decision: d.outcome, comment: d.comment ?? null, decided_by: d.by ?? null },
    port: approved ? "approved" : "rejected",
  });
}

/** Starts a sub-workflow node's child run (once: a replay finds it). */
export async function startChild(s: RunScope, node: WorkflowNode, inputs: Record<string, unknown>): Promise<string> {
  const prior = await nodeRow(s, node.id);
  const known = (prior?.output as { child_run_id?: string } | null)?.child_run_id;
  if (known) return known;
  if (!s.ctx) throw new ServiceError("forbidden", "The member this run acts as is no longer active");
  const depth = Number((s.run.trigger as { depth?: number }).depth ?? 0) + 1;
  if (depth > MAX_RUN_DEPTH) throw new ServiceError("validation_error", `Sub-workflows nest at most ${MAX_RUN_DEPTH} deep`);
  // The child acts as the same member, who must still be allowed to run workflows.
  await requirePermission(s.ctx, "can_run_workflow");
  const config = node.config as { workflow_id: string; version?: number };
  const w = await workflowRow(s.ctx, config.workflow_id);
  const { run } = await startRun(s.ctx, {
    workflow: w,
    version: config.version,
    input: (inputs.input ?? {}) as Record<string, unknown>,
    trigger: { type: "sub_workflow", parent_run_id: s.run.id, node: node.id, depth },
    runAsMemberId: s.run.runAsMemberId,
    startedByMemberId: s.run.startedByMemberId,
    parentRunId: s.run.id,
  });
  await s.sys.db
    .update(workflowNodeRuns)
    .set({ output: { child_run_id: run.id } })
    .where(and(eq(workflowNodeRuns.runId, s.run.id), eq(workflowNodeRuns.nodeId, node.id)));
  return run.id;
}

/** Ends the run (completed or failed) and tells a waiting parent run. */
export async function endRun(
  s: RunScope,
  f: { status: "completed" | "failed"; output?: unknown; error?: { node?: string; message: string } },
) {
  const row = await finishRun(s.sys, s.run.id, f);
  if (row) await notifyParent(s.sys, row);
  return row !== null;
}

/** A sub-workflow's end wakes its parent's node (best effort: the parent's node also times out). */
export async function notifyParent(ctx: ServiceContext, run: RunRow): Promise<void> {
  if (!run.parentRunId) return;
  const node = (run.trigger as { node?: string }).node;
  const [parent] = await ctx.db.select().from(workflowRuns).where(eq(workflowRuns.id, run.parentRunId));
  if (!parent?.instanceId || !node) return;
  await executor
    .send(ctx.env, parent.instanceId, childEventType(node), {
      run_id: run.id,
      status: run.status,
      output_json: JSON.stringify(run.output ?? null),
      error: run.error?.message ?? null,
    })
    .catch((e) => console.error(JSON.stringify({ level: "warn", msg: "parent run not told", run_id: run.id, error: String(e) })));
}

/**
 * POSTs the ended run to its callback URL, Standard Webhooks signed with the run's secret. Throws
 * on failure so the step retries it; records the outcome.
 */
export async function sendCallback(s: RunScope): Promise<void> {
  const [run] = await s.sys.db.select().from(workflowRuns).where(eq(workflowRuns.id, s.run.id));
  if (!run?.callbackUrl || !run.callbackSecretEncrypted || !isFinal(run)) return;
  const secret = await decryptSecret(s.sys.env.ENCRYPTION_KEY, run.callbackSecretEncrypted);
  const body = JSON.stringify({
    type: `workflow.run.${run.status}`,
    data: { run_id: run.id, workflow_id: run.workflowId, status: run.status, output: run.output ?? null, error: run.error ?? null },
  });
  const now = new Date();
  const res = await outboundFetch(s.sys.env, run.callbackUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": `run_${run.id}`,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(`run_${run.id}`, now, body),
    },
    body,
    timeoutMs: 10_000,
  });
  const status = res.ok ? "delivered" : `failed: ${res.error ?? `HTTP ${res.status}`}`;
  await s.sys.db.update(workflowRuns).set({ callbackStatus: status }).where(eq(workflowRuns.id, run.id));
  if (!res.ok && !res.error?.startsWith("refused")) throw new Error(`callback ${status}`);
}
