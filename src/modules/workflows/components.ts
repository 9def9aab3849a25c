import { z } from "zod";
import type { ValueType } from "./definition";

/**
 * The component library: what a node may be. Each component declares its config (a zod schema,
 * published as JSON Schema), its inputs and outputs with types, and its branch ports. Execution
 * lives elsewhere (the run interpreter); this is the contract validation and `GET …/components` use.
 */

export interface Port {
  name: string;
  type: ValueType;
  required?: boolean;
  description: string;
}

export type ComponentCategory = "io" | "ai" | "logic" | "integration" | "human" | "flow";

export interface ComponentSpec {
  type: string;
  name: string;
  description: string;
  category: ComponentCategory;
  config: z.ZodType;
  inputs: Port[];
  outputs: Port[];
  /** Inputs of any name are accepted (e.g. the fields of an output node). */
  openInputs?: boolean;
  /** Outputs beyond the declared ones may be read (the fields of a structured result). */
  openOutputs?: boolean;
  /** Branches edges may leave from (`edge.port`). */
  ports?: string[];
}

const port = (name: string, type: ValueType, description: string, required = false): Port => ({
  name,
  type,
  description,
  ...(required ? { required } : {}),
});

const Deciders = z.strictObject({
  roles: z.array(z.string().max(64)).max(20).default([]),
  member_ids: z.array(z.uuid()).max(100).default([]),
});

const COMPONENTS: ComponentSpec[] = [
  {
    type: "input",
    name: "Input",
    description: "The run's input; its fields are outputs of this node",
    category: "io",
    config: z.strictObject({
      fields: z
        .array(
          z.strictObject({
            name: z.string().min(1).max(64),
            type: z.enum(["string", "number", "boolean", "object", "array", "any"]),
            required: z.boolean().default(false),
          }),
        )
        .max(50)
        .default([]),
    }),
    inputs: [],
    outputs: [port("data", "object", "The whole input")],
    openOutputs: true,
  },
  {
    type: "output",
    name: "Output",
    description: "The run's result: each input becomes a field of it",
    category: "io",
    config: z.strictObject({}),
    inputs: [],
    outputs: [port("result", "object", "The result")],
    openInputs: true,
  },
  {
    type: "llm_prompt",
    name: "LLM prompt",
    description: "One call to a model through the AI gateway",
    category: "ai",
    config: z.strictObject({
      model: z.string().max(200).optional(),
      system: z.string().max(20_000).optional(),
      temperature: z.number().min(0).max(2).optional(),
      max_tokens: z.int().min(1).max(32_000).optional(),
      /** When set, the answer is extracted as JSON matching this schema (into `data`). */
      json_schema: z.record(z.string(), z.json()).optional(),
    }),
    inputs: [port("prompt", "string", "The user prompt", true), port("context", "any", "Extra context given to the model")],
    outputs: [
      port("text", "string", "The model's answer"),
      port("data", "object", "The extracted JSON (with json_schema)"),
      port("usage", "object", "Tokens used"),
    ],
  },
  {
    type: "ai_employee",
    name: "AI employee",
    description: "Runs an AI employee with its tools on an action",
    category: "ai",
    config: z.strictObject({ employee_id: z.string().min(1).max(100), action: z.string().max(200).optional() }),
    inputs: [port("input", "any", "What the employee works on", true), port("instructions", "string", "Extra instructions")],
    outputs: [port("output", "any", "The employee's result (its fields can be read too)"), port("usage", "object", "Tokens used")],
    openOutputs: true,
  },
  {
    type: "module_tool",
    name: "Module tool",
    description: "Calls a tool of the module tool registry (create task, post to channel, …)",
    category: "integration",
    config: z.strictObject({ tool: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/) }),
    inputs: [port("arguments", "object", "The tool's arguments", true)],
    outputs: [port("result", "any", "What the tool returned")],
  },
  {
    type: "condition",
    name: "Condition",
    description: "Branches on a boolean: edges leave from port true or false",
    category: "logic",
    config: z.strictObject({}),
    inputs: [port("condition", "boolean", "e.g. {{nodes.qualify.score > 70}}", true)],
    outputs: [port("result", "boolean", "The condition's value")],
    ports: ["true", "false"],
  },
  {
    type: "map",
    name: "Map",
    description: "Applies an expression (over `item` and `index`) to each item of a list",
    category: "flow",
    config: z.strictObject({
      expression: z.string().min(1).max(2_000),
      max_items: z.int().min(1).max(1_000).default(100),
    }),
    inputs: [port("items", "array", "The list", true)],
    outputs: [port("items", "array", "One result per item, in order")],
  },
  {
    type: "merge",
    name: "Merge",
    description: "Joins branches: an object of its inputs, a list, or the first that is set",
    category: "flow",
    config: z.strictObject({ mode: z.enum(["object", "array", "first"]).default("object") }),
    inputs: [],
    outputs: [port("result", "any", "The merged value")],
    openInputs: true,
  },
  {
    type: "http_request",
    name: "HTTP request",
    description: "Calls an https URL (no private, loopback or metadata addresses; redirects not followed)",
    category: "integration",
    config: z.strictObject({
      method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
      timeout_ms: z.int().min(100).max(30_000).default(10_000),
    }),
    inputs: [port("url", "string", "The URL", true), port("headers", "object", "Request headers"), port("body", "any", "JSON body")],
    outputs: [port("status", "number", "HTTP status"), port("headers", "object", "Response headers"), port("body", "any", "Response body")],
  },
  {
    type: "delay",
    name: "Delay",
    description: "Waits, then passes its input on (costs nothing while waiting)",
    category: "flow",
    config: z.strictObject({ seconds: z.int().min(1).max(31_536_000) }),
    inputs: [port("value", "any", "Passed through")],
    outputs: [port("value", "any", "The input, unchanged")],
  },
  {
    type: "human_approval",
    name: "Human approval",
    description: "Waits for a decision in the approvals inbox; edges leave from port approved or rejected",
    category: "human",
    config: z.strictObject({
      title: z.string().min(1).max(200),
      deciders: Deciders.default({ roles: [], member_ids: [] }),
      timeout_seconds: z.int().min(60).max(31_536_000).default(604_800),
      timeout_outcome: z.enum(["approved", "rejected"]).default("rejected"),
    }),
    inputs: [port("details", "any", "Shown to the deciders")],
    outputs: [
      port("approved", "boolean", "The decision"),
      port("decision", "string", "approved, rejected or timed_out"),
      port("comment", "string", "The decider's comment"),
      port("decided_by", "string", "Member id of the decider"),
    ],
    ports: ["approved", "rejected"],
  },
  {
    type: "sub_workflow",
    name: "Sub-workflow",
    description: "Runs another workflow of the workspace and returns its result",
    category: "flow",
    config: z.strictObject({ workflow_id: z.uuid(), version: z.int().min(1).optional() }),
    inputs: [port("input", "object", "The sub-workflow's input")],
    outputs: [port("result", "any", "Its result")],
  },
];

const byType = new Map(COMPONENTS.map((c) => [c.type, c]));

export const getComponent = (type: string): ComponentSpec | undefined => byType.get(type);
export const componentTypes = (): string[] => COMPONENTS.map((c) => c.type);

/** The library as published (`GET …/components`): config as JSON Schema. */
export function listComponents(filter: { category?: string; type?: string } = {}) {
  return COMPONENTS.filter((c) => (!filter.category || c.category === filter.category) && (!filter.type || c.type === filter.type)).map(
    (c) => ({
      type: c.type,
      name: c.name,
      description: c.description,
      category: c.category,
      config_schema: configJsonSchema(c),
      inputs: c.inputs.map((p) => ({ ...p, required: p.required ?? false })),
      outputs: c.outputs,
      open_inputs: c.openInputs ?? false,
      open_outputs: c.openOutputs ?? false,
      ports: c.ports ?? [],
    }),
  );
}

const schemas = new Map<string, Record<string, unknown>>();

function configJsonSchema(c: ComponentSpec): Record<string, unknown> {
  let s = schemas.get(c.type);
  if (!s) {
    const { $schema: _, ...rest } = z.toJSONSchema(c.config, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    s = rest;
    schemas.set(c.type, s);
  }
  return s;
}
