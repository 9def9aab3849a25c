import type { WorkflowDefinition } from "./definition";
import { dependencies, topologicalOrder } from "./validate";

/** What became of a node in a run: run, skipped by its own `when`, or off the path branches took. */
export type NodeState =
  | { status: "completed"; output: unknown; port?: string | null | undefined }
  | { status: "skipped"; reason: "when" | "branch" };

/**
 * The run's plan: nodes in dependency order, and for each its incoming edges, so the interpreter
 * can tell whether a node lies on the path the branches took. Pure: it is recomputed on every replay.
 */
export function planOf(def: WorkflowDefinition) {
  const deps = dependencies(def);
  const portEdges = new Map<string, { from: string; port: string }[]>();
  for (const e of def.edges) {
    if (!e.port) continue;
    const list = portEdges.get(e.to) ?? [];
    list.push({ from: e.from, port: e.port });
    portEdges.set(e.to, list);
  }
  const components = new Map(def.nodes.map((n) => [n.id, n.component]));
  return {
    order: topologicalOrder(def),
    /**
     * Whether a node is off the taken path: an edge from a branch its source did not take, or a
     * dependency that is itself off the path. A merge is off the path only when all its inputs are.
     * A node skipped by its own `when` does not take its dependents off the path (a step chain goes on).
     */
    offPath(id: string, states: Map<string, NodeState>): boolean {
      const offEdge = (portEdges.get(id) ?? []).map(({ from, port }) => {
        const s = states.get(from);
        return s?.status !== "completed" || (s.port ?? null) !== port;
      });
      const offDeps = [...(deps.get(id) ?? [])]
        .filter((d) => !(portEdges.get(id) ?? []).some((e) => e.from === d))
        .map((d) => {
          const s = states.get(d);
          return !s || (s.status === "skipped" && s.reason === "branch");
        });
      const all = [...offEdge, ...offDeps];
      if (all.length === 0) return false;
      return components.get(id) === "merge" ? all.every(Boolean) : all.some(Boolean);
    },
  };
}

/** The run's result: the output node's (the last one, if several ran), else the last completed node's output. */
export function runResult(def: WorkflowDefinition, order: string[], states: Map<string, NodeState>): unknown {
  const done = order.filter((id) => states.get(id)?.status === "completed");
  const outputs = done.filter((id) => def.nodes.find((n) => n.id === id)?.component === "output");
  const pick = outputs.at(-1) ?? done.at(-1);
  const s = pick ? states.get(pick) : undefined;
  if (s?.status !== "completed") return null;
  const out = s.output as { result?: unknown } | null;
  return outputs.length > 0 && out && typeof out === "object" && "result" in out ? out.result : s.output;
}
