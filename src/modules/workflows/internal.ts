import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { type ChainWorkflow, compileChain, compileGraph, type GraphWorkflow } from "./compile";
import type { WorkflowDefinition } from "./definition";
import type { DefinitionShapes } from "./schemas";
import type { workflowNodeRuns, workflowRuns, workflows, workflowVersions } from "./tables";
import { type ValidateOptions, validateDefinition } from "./validate";

export type WorkflowRow = typeof workflows.$inferSelect;
export type VersionRow = typeof workflowVersions.$inferSelect;
export type RunRow = typeof workflowRuns.$inferSelect;
export type NodeRunRow = typeof workflowNodeRuns.$inferSelect;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const duration = (a: Date | null, b: Date | null) => (a && b ? Math.max(0, b.getTime() - a.getTime()) : null);

/** The one definition a body gives (Atrium's model, a Logic AI graph or a step chain), compiled and validated. */
export function definitionFrom(body: DefinitionShapes, opts: ValidateOptions & { at?: (string | number)[] } = {}) {
  const at = opts.at ?? ["body"];
  let input: unknown;
  let format: "atrium" | "graph" | "chain";
  let where: (string | number)[];
  if (body.graph !== undefined) {
    input = compileGraph(body.graph as GraphWorkflow);
    format = "graph";
    where = [...at, "graph"];
  } else if (body.chain !== undefined) {
    input = compileChain(body.chain as ChainWorkflow);
    format = "chain";
    where = [...at, "chain"];
  } else {
    input = body.definition;
    format = "atrium";
    where = [...at, "definition"];
  }
  const result = validateDefinition(input, { ...opts, at: where });
  return { result, format, source: format === "atrium" ? undefined : (body.graph ?? body.chain) };
}

export function toWorkflow(w: WorkflowRow, def?: WorkflowDefinition, webhookUrl: string | null = null) {
  return {
    id: w.id,
    name: w.name,
    description: w.description,
    is_active: w.isActive,
    current_version: w.currentVersion,
    triggers: (def?.triggers ?? []) as Record<string, unknown>[],
    created_by_member_id: w.createdByMemberId,
    owner_member_id: w.ownerMemberId,
    webhook_url: webhookUrl,
    has_webhook_trigger: !!w.webhookSecretEncrypted,
    next_scheduled_at: iso(w.nextScheduledAt),
    created_at: w.createdAt.toISOString(),
    updated_at: w.updatedAt.toISOString(),
    ...(def ? { definition: def as unknown as Record<string, unknown> } : {}),
  };
}

export function toVersion(v: VersionRow, withDefinition: boolean) {
  return {
    workflow_id: v.workflowId,
    version: v.version,
    message: v.message,
    created_by_member_id: v.createdByMemberId,
    created_at: v.createdAt.toISOString(),
    source_format: v.source?.format ?? null,
    ...(withDefinition ? { definition: v.definition as unknown as Record<string, unknown> } : {}),
  };
}

export function toNodeRun(n: NodeRunRow) {
  return {
    node_id: n.nodeId,
    component: n.component,
    status: n.status,
    attempts: n.attempts,
    input: n.input ?? null,
    output: n.output ?? null,
    port: n.port,
    error: n.error,
    tokens: n.tokens,
    credits: Number(n.credits),
    duration_ms: duration(n.startedAt, n.finishedAt),
    reused: n.reused === 1,
    started_at: iso(n.startedAt),
    finished_at: iso(n.finishedAt),
  };
}

export function toRun(ctx: ServiceContext, r: RunRow, nodes?: NodeRunRow[]) {
  const base = `${ctx.env.API_URL.replace(/\/$/, "")}/api/v1/workflow-runs/${r.id}`;
  return {
    id: r.id,
    workflow_id: r.workflowId,
    version: r.version,
    status: r.status,
    trigger: r.trigger,
    input: r.input,
    output: r.output ?? null,
    error: r.error ?? null,
    started_by_member_id: r.startedByMemberId,
    rerun_of: r.rerunOf,
    parent_run_id: r.parentRunId,
    tokens: r.tokens,
    credits: Number(r.credits),
    duration_ms: duration(r.startedAt, r.finishedAt),
    callback_status: r.callbackStatus,
    status_url: base,
    stream_url: `${base}/events`,
    created_at: r.createdAt.toISOString(),
    started_at: iso(r.startedAt),
    finished_at: iso(r.finishedAt),
    ...(nodes ? { nodes: nodes.map(toNodeRun) } : {}),
  };
}

/** A run's progress room (the JobProgress pattern: ordered, replayable by Last-Event-ID). */
export function runRoom(env: ServiceContext["env"], runId: string) {
  return env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName(`workflow-run:${runId}`));
}

/** Terminal room events carry the JobProgress terminal status, so `finishedAt()` and the stream end there. */
export const RUN_FINISHED_EVENT = "run.finished";

export const notFoundWorkflow = () => new ServiceError("not_found", "Workflow not found");
export const notFoundRun = () => new ServiceError("not_found", "Run not found");
