import type { Binding, WorkflowDefinitionInput, WorkflowEdge, WorkflowNode, WorkflowTrigger } from "./definition";
import { stepNodeId, translateStepRefs } from "./expressions";

/**
 * The seeds' two workflow shapes → the one model. Neither output is validated here: pass it to
 * validateDefinition (its issue locations then point into the model, which a dialect maps back).
 */

// ---- Logic AI graphs: components + connections + variables ----

export interface GraphComponent {
  id: string;
  /** Our component type, or a Logic AI catalogue id (`comp_text_input`). */
  type: string;
  name?: string;
  config?: Record<string, unknown>;
  /** Input name → literal, or a string with `{{ }}` (a template). */
  inputs?: Record<string, unknown>;
  when?: string;
}

export interface GraphConnection {
  source: string;
  target: string;
  /** An output of the source: with target_input, a data edge; alone, a branch port of the source. */
  source_output?: string;
  target_input?: string;
}

export interface GraphVariable {
  name: string;
  type?: string;
  default?: unknown;
  value?: unknown;
  description?: string;
}

export interface GraphWorkflow {
  components: GraphComponent[];
  connections?: GraphConnection[];
  variables?: GraphVariable[];
}

/** Logic AI catalogue ids → our component types (the seed names `comp_text_input`). */
const CATALOGUE: Record<string, string> = { comp_text_input: "input", comp_text_output: "output" };

export function compileGraph(g: GraphWorkflow): WorkflowDefinitionInput {
  const nodes: WorkflowNode[] = g.components.map((c) => ({
    id: c.id,
    component: CATALOGUE[c.type] ?? c.type,
    ...(c.name ? { name: c.name } : {}),
    config: (c.config ?? {}) as WorkflowNode["config"],
    inputs: Object.fromEntries(Object.entries(c.inputs ?? {}).map(([k, v]) => [k, binding(v)])),
    ...(c.when ? { when: c.when } : {}),
  }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges: WorkflowEdge[] = [];
  for (const c of g.connections ?? []) {
    const target = byId.get(c.target);
    if (c.source_output && c.target_input && target) {
      target.inputs[c.target_input] = { from: { node: c.source, output: c.source_output } };
    } else {
      edges.push({ from: c.source, to: c.target, ...(c.source_output ? { port: c.source_output } : {}) });
    }
  }
  return {
    schema_version: 1,
    nodes,
    edges,
    variables: (g.variables ?? []).map((v) => ({
      name: v.name,
      ...(v.type ? { type: v.type as "any" } : {}),
      ...((v.default ?? v.value) !== undefined ? { default: (v.default ?? v.value) as never } : {}),
      ...(v.description ? { description: v.description } : {}),
    })),
  };
}

// ---- Step chains: LiquidCortex (employee_id, action, condition, input) and LVNG (id, depends_on) ----

export interface ChainStep {
  /** LVNG names its steps; LiquidCortex refers to them by position (`steps[N]`). */
  id?: string;
  employee_id?: string;
  action?: string;
  /** A module tool name: the step calls that tool with `input` as its arguments. */
  tool?: string;
  /** Any other component type, with its config. */
  type?: string;
  config?: Record<string, unknown>;
  input?: unknown;
  condition?: string;
  depends_on?: string[];
  dependsOn?: string[];
}

export interface ChainWorkflow {
  trigger?: { type: string; event?: string; cron?: string; timezone?: string };
  steps: ChainStep[];
}

/**
 * A step chain is a linear graph: step N becomes node `step_N` (or the step's own id), runs after
 * step N-1 (or after its depends_on), and its `condition` becomes the node's `when`. `steps[N]` in
 * templates becomes `nodes.step_N`.
 */
export function compileChain(chain: ChainWorkflow): WorkflowDefinitionInput {
  const ids = chain.steps.map((s, i) => s.id ?? stepNodeId(i));
  // A named step keeps its id; `steps[N]` reaches it all the same.
  const rename = (t: string) => translateStepRefs(t, (i) => ids[i] ?? stepNodeId(i));
  const nodes = chain.steps.map((s, i): WorkflowNode => {
    const id = ids[i] as string;
    const input = typeof s.input === "string" ? ({ template: rename(s.input) } as Binding) : binding(s.input ?? null);
    const base = { id, ...(s.condition ? { when: rename(s.condition) } : {}) };
    if (s.employee_id) {
      return {
        ...base,
        component: "ai_employee",
        config: { employee_id: s.employee_id, ...(s.action ? { action: s.action } : {}) },
        inputs: { input },
      };
    }
    if (s.tool) return { ...base, component: "module_tool", config: { tool: s.tool }, inputs: { arguments: input } };
    return {
      ...base,
      component: s.type ?? "unknown",
      config: (s.config ?? {}) as WorkflowNode["config"],
      inputs: s.input === undefined ? {} : { input },
    };
  });
  const edges: WorkflowEdge[] = [];
  chain.steps.forEach((s, i) => {
    const after = s.depends_on ?? s.dependsOn;
    if (after) for (const d of after) edges.push({ from: d, to: ids[i] as string });
    else if (i > 0) edges.push({ from: ids[i - 1] as string, to: ids[i] as string });
  });
  return { schema_version: 1, nodes, edges, variables: [], triggers: chain.trigger ? [trigger(chain.trigger)] : [] };
}

function trigger(t: NonNullable<ChainWorkflow["trigger"]>): WorkflowTrigger {
  switch (t.type) {
    case "webhook":
      return { type: "webhook", ...(t.event ? { event: t.event } : {}) };
    case "schedule":
      return { type: "schedule", cron: t.cron ?? "", ...(t.timezone ? { timezone: t.timezone } : {}) };
    case "event":
      return { type: "event", event: t.event ?? "" };
    default:
      return { type: "manual" };
  }
}

/** A string with `{{` is a template; anything else a literal. */
function binding(v: unknown): Binding {
  if (typeof v === "string" && v.includes("{{")) return { template: v };
  return { value: (v ?? null) as never };
}
