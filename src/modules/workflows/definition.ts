import { z } from "zod";

/**
 * Atrium's one workflow model: a DAG of nodes with typed inputs and outputs. Logic AI graphs and
 * LiquidCortex/LVNG step chains compile to it (compile.ts); validate.ts checks it against the
 * component library (components.ts). A stored definition is immutable: every save is a new version.
 *
 * Ordering comes from `edges` and from every reference to another node (a `from` binding, a
 * `nodes.<id>` in a template or `when`). An edge with a `port` runs its target only when the source
 * took that branch (condition: "true"/"false"; human_approval: "approved"/"rejected").
 */

export const DEFINITION_LIMITS = { maxNodes: 200, maxEdges: 1_000, maxVariables: 100, maxInputs: 50 } as const;

export const VALUE_TYPES = ["string", "number", "boolean", "object", "array", "any"] as const;
export const ValueType = z.enum(VALUE_TYPES);
export type ValueType = z.infer<typeof ValueType>;

/** Node ids are CEL identifiers, so templates can read `nodes.<id>`. */
export const NodeId = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "Letters, digits and underscores, starting with a letter or underscore (≤ 64)");

/** An input's value: a literal, a `{{ }}` template, or another node's output (a data edge). */
export const Binding = z.union([
  z.strictObject({ value: z.json() }),
  z.strictObject({ template: z.string().max(10_000) }),
  z.strictObject({ from: z.strictObject({ node: NodeId, output: z.string().min(1).max(64) }) }),
]);
export type Binding = z.infer<typeof Binding>;

export const RetryPolicy = z.strictObject({
  max_attempts: z.int().min(1).max(10).default(3),
  backoff_ms: z.int().min(0).max(3_600_000).default(1_000),
});

export const WorkflowNode = z.strictObject({
  id: NodeId,
  /** A component type of the library (`llm_prompt`, `condition`, …). */
  component: z.string().min(1).max(64),
  name: z.string().max(200).optional(),
  config: z.record(z.string(), z.json()).default({}),
  inputs: z
    .record(z.string().max(64), Binding)
    .refine((r) => Object.keys(r).length <= DEFINITION_LIMITS.maxInputs, "Too many inputs")
    .default({}),
  /** A condition (`{{ expr }}` or a bare CEL expression): when false the node is skipped. */
  when: z.string().max(2_000).optional(),
  retry: RetryPolicy.optional(),
  timeout_ms: z.int().min(100).max(86_400_000).optional(),
});
export type WorkflowNode = z.infer<typeof WorkflowNode>;

export const WorkflowEdge = z.strictObject({
  from: NodeId,
  to: NodeId,
  /** A branch of the source (a port of its component); without one the edge is plain ordering. */
  port: z.string().max(64).optional(),
});
export type WorkflowEdge = z.infer<typeof WorkflowEdge>;

export const WorkflowVariable = z.strictObject({
  name: NodeId,
  type: ValueType.default("any"),
  default: z.json().optional(),
  description: z.string().max(1_000).optional(),
});
export type WorkflowVariable = z.infer<typeof WorkflowVariable>;

export const WorkflowTrigger = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("manual") }),
  z.strictObject({ type: z.literal("webhook"), event: z.string().max(200).optional() }),
  z.strictObject({ type: z.literal("schedule"), cron: z.string().min(1).max(200), timezone: z.string().max(64).optional() }),
  z.strictObject({ type: z.literal("event"), event: z.string().min(1).max(200) }),
]);
export type WorkflowTrigger = z.infer<typeof WorkflowTrigger>;

export const WorkflowDefinition = z.strictObject({
  /** Version of this model's shape (not of the workflow). */
  schema_version: z.literal(1).default(1),
  nodes: z.array(WorkflowNode).min(1).max(DEFINITION_LIMITS.maxNodes),
  edges: z.array(WorkflowEdge).max(DEFINITION_LIMITS.maxEdges).default([]),
  variables: z.array(WorkflowVariable).max(DEFINITION_LIMITS.maxVariables).default([]),
  triggers: z.array(WorkflowTrigger).max(20).default([]),
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinition>;

/** The JSON type of a literal, for type checks against an input's declared type. */
export function typeOfValue(v: unknown): Exclude<ValueType, "any"> | "null" {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return "object";
}

/** Whether a value of type `from` may feed an input of type `to` (`any` matches everything). */
export const typeFits = (from: ValueType, to: ValueType) => from === "any" || to === "any" || from === to;
