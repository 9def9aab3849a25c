// The run interpreter: one Cloudflare Workflow instance drives one workflow run through its stored
// graph. One `step.do` per node with the node's retry policy; approvals are `step.waitForEvent` with
// a timeout and delays `step.sleep`, so a run waiting days costs nothing. Postgres is the record
// (service/nodes.ts writes every state before the step returns). Code outside steps runs again on
// every replay, so it only branches on step results. See workflows/SPIKE.md.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import type { Bindings } from "../src/env";
import type { WorkflowNode } from "../src/modules/workflows/definition";
import { type NodeState, planOf, runResult } from "../src/modules/workflows/plan";
import {
  type ApprovalDecision,
  approvalEventType,
  type ChildDone,
  childEventType,
  type RunParams,
} from "../src/modules/workflows/service/executor";
import {
  completeNode,
  decideNode,
  endRun,
  loadRun,
  type RunScope,
  RunSession,
  runNode,
  type StepOutcome,
  sendCallback,
  skipNode,
  startChild,
  waitNode,
} from "../src/modules/workflows/service/nodes";
import { isServiceError } from "../src/platform/errors";

export type { RunParams };

const DEFAULT_RETRY = { max_attempts: 3, backoff_ms: 1_000 };

/** A node's retry policy as Workflows wants it (`limit` counts retries after the first attempt). */
function stepConfig(node: WorkflowNode): WorkflowStepConfig {
  const r = node.retry ?? DEFAULT_RETRY;
  return {
    retries: { limit: Math.max(0, r.max_attempts - 1), delay: Math.max(r.backoff_ms, 1), backoff: "exponential" },
    timeout: node.timeout_ms ?? 600_000,
  };
}

/** Bad input, missing rights, refused URLs: retrying would fail the same way. */
function permanent(e: unknown): unknown {
  if (isServiceError(e) && !e.retryable && e.status < 500 && e.status !== 429) return new NonRetryableError(e.message);
  if (e instanceof Error && e.name === "ExpressionError") return new NonRetryableError(e.message);
  return e;
}

const TIMEOUT = (e: unknown) => (e as Error)?.name === "WorkflowTimeoutError" || /timed? ?out/i.test(String((e as Error)?.message));

export class RunInterpreter extends WorkflowEntrypoint<Bindings, RunParams> {
  override async run(event: Readonly<WorkflowEvent<RunParams>>, step: WorkflowStep): Promise<{ status: string }> {
    const p = event.payload;
    const session = new RunSession(this.env, (x) => this.ctx.waitUntil(x), p);
    const db = <T>(work: (s: RunScope) => Promise<T>) => session.with(work);
    try {
      return await this.interpret(step, db, session);
    } finally {
      await session.release();
    }
  }

  private async interpret(
    step: WorkflowStep,
    db: <T>(work: (s: RunScope) => Promise<T>) => Promise<T>,
    session: RunSession,
  ): Promise<{ status: string }> {
    const loaded = await step.do("load", () => db(loadRun));
    if (!loaded.ok) return { status: "ended" };
    const def = loaded.definition;
    const plan = planOf(def);
    const states = new Map<string, NodeState>(Object.entries(loaded.done));
    const nodes = new Map(def.nodes.map((n) => [n.id, n]));
    const scope = () => ({
      ...loaded.scope,
      nodes: Object.fromEntries([...states].flatMap(([id, s]) => (s.status === "completed" ? [[id, s.output]] : []))),
    });

    for (const id of plan.order) {
      if (states.has(id)) continue;
      const node = nodes.get(id);
      if (!node) continue;
      if (plan.offPath(id, states)) {
        await step.do(`skip:${id}`, () => db((s) => skipNode(s, node, "branch")));
        states.set(id, { status: "skipped", reason: "branch" });
        continue;
      }
      let outcome: StepOutcome;
      try {
        outcome = await this.node(step, db, session, node, scope());
      } catch (e) {
        // Write the reason first: the instance's own error is not the record.
        // Errors cross the step boundary as text prefixed with their class name.
        const message = (e instanceof Error ? e.message : String(e)).replace(/^(?:(?:NonRetryableError|ServiceError|Error): )+/, "");
        await step.do(`failed:${id}`, () =>
          db((s) => endRun(s, { status: "failed", error: { node: id, message: `Node "${id}" failed: ${message}` } })),
        );
        await step.do("callback", { retries: { limit: 5, delay: "10 seconds", backoff: "exponential" } }, () => db(sendCallback));
        return { status: "failed" };
      }
      if (outcome.status === "cancelled") return { status: "cancelled" };
      states.set(id, outcome);
    }

    const ended = await step.do("finish", () =>
      db((s) => endRun(s, { status: "completed", output: runResult(def, plan.order, states) ?? null })),
    );
    if (ended) await step.do("callback", { retries: { limit: 5, delay: "10 seconds", backoff: "exponential" } }, () => db(sendCallback));
    return { status: "completed" };
  }

  private async node(
    step: WorkflowStep,
    db: <T>(work: (s: RunScope) => Promise<T>) => Promise<T>,
    session: RunSession,
    node: WorkflowNode,
    scope: Record<string, unknown>,
  ): Promise<StepOutcome> {
    const id = node.id;
    switch (node.component) {
      case "delay": {
        const w = await step.do(`wait:${id}`, () => db((s) => waitNode(s, node, scope)));
        if (w.status !== "waiting") return w;
        await session.release();
        await step.sleep(`sleep:${id}`, ((node.config as { seconds: number }).seconds ?? 1) * 1000);
        return step.do(`node:${id}`, () => db((s) => completeNode(s, node, { output: { value: w.inputs.value ?? null } })));
      }
      case "human_approval": {
        const w = await step.do(`wait:${id}`, () => db((s) => waitNode(s, node, scope)));
        if (w.status !== "waiting") return w;
        const seconds = (node.config as { timeout_seconds?: number }).timeout_seconds ?? 604_800;
        let decision: ApprovalDecision | "timeout";
        await session.release();
        try {
          const ev = await step.waitForEvent<ApprovalDecision>(`approval:${id}`, { type: approvalEventType(id), timeout: seconds * 1000 });
          decision = ev.payload;
        } catch (e) {
          if (!TIMEOUT(e)) throw e;
          decision = "timeout";
        }
        return step.do(`decided:${id}`, () => db((s) => decideNode(s, node, decision)));
      }
      case "sub_workflow": {
        const w = await step.do(`wait:${id}`, () => db((s) => waitNode(s, node, scope)));
        if (w.status !== "waiting") return w;
        const childId = await step.do(`start:${id}`, () =>
          db((s) => startChild(s, node, w.inputs).catch((e) => Promise.reject(permanent(e)))),
        );
        let done: ChildDone;
        await session.release();
        try {
          done = (await step.waitForEvent<ChildDone>(`child:${id}`, { type: childEventType(id), timeout: node.timeout_ms ?? 86_400_000 }))
            .payload;
        } catch (e) {
          if (!TIMEOUT(e)) throw e;
          throw new Error(`sub-workflow run ${childId} did not finish in time`);
        }
        if (done.status !== "completed") throw new Error(`sub-workflow run ${childId} ${done.status}: ${done.error ?? ""}`);
        return step.do(`node:${id}`, () =>
          db((s) => completeNode(s, node, { output: { result: JSON.parse(done.output_json), child_run_id: childId } })),
        );
      }
      default:
        return step.do(`node:${id}`, stepConfig(node), (sctx) =>
          db((s) => runNode(s, node, scope, sctx.attempt)).catch((e) => Promise.reject(permanent(e))),
        );
    }
  }
}
