import type { Bindings } from "../../../env";

/** What the interpreter is started with: the run's row holds everything else. */
export interface RunParams {
  workspace_id: string;
  run_id: string;
}

/** The event a waiting approval node receives (type: `approval-<node>`). */
export interface ApprovalDecision {
  outcome: "approved" | "rejected" | "timed_out";
  by?: string | null;
  comment?: string | null;
}

/** The event a sub-workflow node receives when its child run ends (type: `child-<node>`). */
export interface ChildDone {
  run_id: string;
  status: "completed" | "failed" | "cancelled";
  /** The child's output as JSON text (event payloads must be serialisable). */
  output_json: string;
  error?: string | null;
}

/** Event types follow the Workflows id rules (letters, digits, `-`, `_`); node ids are identifiers. */
export const approvalEventType = (nodeId: string) => `approval-${nodeId}`;
export const childEventType = (nodeId: string) => `child-${nodeId}`;

/**
 * The one seam between runs and what executes them (Cloudflare Workflows here): services call this,
 * never the binding, so another executor could replace it.
 */
export interface RunExecutor {
  /** Starts an instance for the run; `instanceId` is unique per attempt to run it (a resume gets a new one). */
  start(env: Bindings, params: RunParams, instanceId: string): Promise<string>;
  send(env: Bindings, instanceId: string, type: string, payload: unknown): Promise<void>;
  cancel(env: Bindings, instanceId: string): Promise<void>;
  /** errored / terminated / complete / running / unknown (local instances never say waiting). */
  status(env: Bindings, instanceId: string): Promise<string>;
}

export const executor: RunExecutor = {
  async start(env, params, instanceId) {
    try {
      await env.RUN_INTERPRETER.create({ id: instanceId, params });
    } catch (e) {
      // A retried start (cron resume, a request replayed) finds its instance already there.
      if (!/already exists|duplicate/i.test(String(e))) throw e;
    }
    return instanceId;
  },
  async send(env, instanceId, type, payload) {
    const instance = await env.RUN_INTERPRETER.get(instanceId);
    await instance.sendEvent({ type, payload });
  },
  async cancel(env, instanceId) {
    const instance = await env.RUN_INTERPRETER.get(instanceId);
    await instance.terminate();
  },
  async status(env, instanceId) {
    try {
      const instance = await env.RUN_INTERPRETER.get(instanceId);
      return (await instance.status()).status;
    } catch {
      return "unknown";
    }
  },
};
