// SPIKE (issue 14): the run interpreter on Cloudflare Workflows. It interprets a stand-in graph
// (a list of nodes run in order), one `step.do` per node; approvals are `step.waitForEvent` with a
// timeout. Postgres stays the record: the run is a `jobs` row of the control database (stand-in for
// the tenant `workflow_runs`/`workflow_node_runs` tables), whose `result` holds one entry per node,
// and progress goes to the run's JobProgress Durable Object through JobReporter. See SPIKE.md.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import type { Bindings } from "../src/env";
import { createContext, type ServiceContext } from "../src/platform/context";
import { JobReporter } from "../src/platform/jobs/service";
import { jobs } from "../src/platform/jobs/tables";

type Retries = NonNullable<WorkflowStepConfig["retries"]>;

export type SpikeNode =
  | { id: string; kind: "echo"; value: unknown }
  /** Throws on its first `n` attempts (counted in Postgres), then succeeds. */
  | { id: string; kind: "fail_n_times"; n: number; retries?: Retries }
  | { id: string; kind: "sleep"; duration: WorkflowSleepDuration }
  | { id: string; kind: "approval"; timeout: WorkflowSleepDuration };

export interface RunParams {
  workspace_id: string;
  run_id: string;
  nodes: SpikeNode[];
}

export interface ApprovalDecision {
  approved: boolean;
  by?: string;
}

/** The event type an approval node waits for (letters, digits, `-`, `_`: the id rules of Workflows). */
export const approvalEventType = (nodeId: string) => `approval-${nodeId}`;

export type RunOutput = { status: "completed"; outputs: Record<string, unknown> } | { status: "rejected"; node: string; reason: string };

const DEFAULT_RETRIES: Retries = { limit: 2, delay: "1 second", backoff: "exponential" };

export class RunInterpreter extends WorkflowEntrypoint<Bindings, RunParams> {
  override async run(event: Readonly<WorkflowEvent<RunParams>>, step: WorkflowStep): Promise<RunOutput> {
    const { run_id: runId, nodes } = event.payload;
    const outputs: Record<string, unknown> = {};
    await step.do("run:start", () => this.db(runId, (r) => r.update({ status: "RUNNING", progress: 0, step: null, message: "started" })));

    for (const [i, node] of nodes.entries()) {
      const progress = Math.round((100 * i) / nodes.length);
      try {
        switch (node.kind) {
          case "echo":
            outputs[node.id] = await step.do(`node:${node.id}`, { retries: DEFAULT_RETRIES }, async () =>
              this.db(runId, async (r, ctx) => {
                await setNode(ctx, runId, node.id, { status: "completed", output: node.value });
                await r.update({ status: "RUNNING", progress, step: node.id, message: `${node.id} completed` });
                return { value: node.value as string | number | boolean | null };
              }),
            );
            break;
          case "fail_n_times":
            outputs[node.id] = await step.do(`node:${node.id}`, { retries: node.retries ?? DEFAULT_RETRIES }, async (sctx) =>
              this.db(runId, async (r, ctx) => {
                // The attempt is counted in Postgres before the work: a crash mid-attempt still counts.
                const attempts = await countAttempt(ctx, runId, node.id);
                if (attempts <= node.n) throw new Error(`${node.id}: planned failure ${attempts} of ${node.n}`);
                await setNode(ctx, runId, node.id, { status: "completed", attempts, output: { attempts } });
                await r.update({ status: "RUNNING", progress, step: node.id, message: `${node.id} completed` });
                return { attempts, stepAttempt: sctx.attempt };
              }),
            );
            break;
          case "sleep":
            await step.sleep(`sleep:${node.id}`, node.duration);
            outputs[node.id] = await step.do(`node:${node.id}`, () =>
              this.db(runId, async (_r, ctx) => {
                await setNode(ctx, runId, node.id, { status: "completed" });
                return { slept: node.duration };
              }),
            );
            break;
          case "approval": {
            await step.do(`wait:${node.id}`, () =>
              this.db(runId, async (r, ctx) => {
                await setNode(ctx, runId, node.id, { status: "waiting" });
                await r.update({ status: "RUNNING", progress, step: node.id, message: `${node.id} waiting for approval` });
                return null;
              }),
            );
            let decision: ApprovalDecision | "timeout";
            try {
              const ev = await step.waitForEvent<ApprovalDecision>(`approval:${node.id}`, {
                type: approvalEventType(node.id),
                timeout: node.timeout,
              });
              decision = { approved: ev.payload.approved === true, ...(ev.payload.by ? { by: ev.payload.by } : {}) };
            } catch (e) {
              // A timeout throws (name "WorkflowTimeoutError" here); anything else is not ours to hide.
              if ((e as Error)?.name !== "WorkflowTimeoutError" && !/timed out/i.test(String((e as Error)?.message))) throw e;
              decision = "timeout";
            }
            const outcome = await step.do(`decided:${node.id}`, () =>
              this.db(runId, async (r, ctx) => {
                const status = decision === "timeout" ? "timed_out" : decision.approved ? "approved" : "rejected";
                await setNode(ctx, runId, node.id, { status, ...(decision !== "timeout" && decision.by ? { by: decision.by } : {}) });
                if (status !== "approved") {
                  await r.update({ status: "COMPLETED", progress: 100, step: node.id, message: `run ended: ${node.id} ${status}` });
                }
                return status;
              }),
            );
            if (outcome !== "approved") return { status: "rejected", node: node.id, reason: outcome };
            outputs[node.id] = outcome;
            break;
          }
        }
      } catch (e) {
        // The instance's own error is not a reliable carrier of the reason: write it first.
        const reason = e instanceof Error ? e.message : String(e);
        await step.do(`failed:${node.id}`, () =>
          this.db(runId, async (r, ctx) => {
            await setNode(ctx, runId, node.id, { status: "failed", error: reason });
            await r.update({ status: "FAILED", progress, step: node.id, message: `${node.id} failed`, error: reason });
            return null;
          }),
        );
        throw e;
      }
    }

    await step.do("run:end", () =>
      this.db(runId, (r) => r.update({ status: "COMPLETED", progress: 100, step: null, message: "completed" })),
    );
    return { status: "completed", outputs };
  }

  /** One context (and its connections) per step: a Workflow run spans many invocations. */
  private async db<T>(runId: string, work: (r: JobReporter, ctx: ServiceContext) => Promise<T>): Promise<T> {
    const ctx = createContext({
      env: this.env,
      requestId: `wf-${runId}`,
      actor: { kind: "system", name: "run-interpreter" },
      waitUntil: (p) => this.ctx.waitUntil(p),
    });
    try {
      return await work(new JobReporter(ctx, runId), ctx);
    } finally {
      await ctx.connections.close();
    }
  }
}

/** Merges one node's state into the run's record (`result[nodeId]`). */
async function setNode(ctx: ServiceContext, runId: string, nodeId: string, state: Record<string, unknown>): Promise<void> {
  await ctx.control
    .update(jobs)
    .set({
      result: sql`jsonb_set(coalesce(${jobs.result}, '{}'::jsonb), array[${nodeId}]::text[],
        coalesce(${jobs.result} -> ${nodeId}, '{}'::jsonb) || ${JSON.stringify(state)}::jsonb)`,
    })
    .where(eq(jobs.id, runId));
}

/** Adds one to the node's attempt counter in Postgres and returns it. */
async function countAttempt(ctx: ServiceContext, runId: string, nodeId: string): Promise<number> {
  const [row] = await ctx.control
    .update(jobs)
    .set({
      result: sql`jsonb_set(coalesce(${jobs.result}, '{}'::jsonb), array[${nodeId}]::text[],
        coalesce(${jobs.result} -> ${nodeId}, '{}'::jsonb) || jsonb_build_object('status', 'running', 'attempts',
          coalesce((${jobs.result} -> ${nodeId} ->> 'attempts')::int, 0) + 1))`,
    })
    .where(eq(jobs.id, runId))
    .returning({ result: jobs.result });
  const n = (row?.result?.[nodeId] as { attempts?: number } | undefined)?.attempts;
  if (typeof n !== "number") throw new Error(`run ${runId} has no record`);
  return n;
}
