import { z } from "@hono/zod-openapi";
import { RUN_STATUSES } from "./tables";

export const WorkflowIdParam = z.object({
  workflow_id: z.string().openapi({ param: { name: "workflow_id", in: "path" }, format: "uuid" }),
});
export const VersionParam = WorkflowIdParam.extend({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .openapi({ param: { name: "version", in: "path" } }),
});
export const RunIdParam = z.object({
  run_id: z.string().openapi({ param: { name: "run_id", in: "path" }, format: "uuid" }),
});

const Page = {
  skip: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
};

const BoolString = z.enum(["true", "false"]).transform((v) => v === "true");

export const ListWorkflowsQuery = z.object({
  ...Page,
  search: z.string().trim().max(200).optional(),
  is_active: BoolString.optional().openapi({ type: "string", enum: ["true", "false"] }),
  trigger: z.enum(["manual", "webhook", "schedule", "event"]).optional(),
});
export type ListWorkflowsQuery = z.infer<typeof ListWorkflowsQuery>;

export const ListVersionsQuery = z.object(Page);
export type ListVersionsQuery = z.infer<typeof ListVersionsQuery>;

/** Logic AI's graph shape (components + connections + variables); compiled to the model. */
const GraphBody = z
  .object({
    components: z
      .array(
        z.object({
          id: z.string().max(64),
          type: z.string().max(64),
          name: z.string().max(200).optional(),
          config: z.record(z.string(), z.unknown()).optional(),
          inputs: z.record(z.string(), z.unknown()).optional(),
          when: z.string().max(2_000).optional(),
        }),
      )
      .min(1)
      .max(200),
    connections: z
      .array(
        z.object({
          source: z.string().max(64),
          target: z.string().max(64),
          source_output: z.string().max(64).optional(),
          target_input: z.string().max(64).optional(),
        }),
      )
      .max(1_000)
      .optional(),
    variables: z
      .array(
        z.object({
          name: z.string().max(64),
          type: z.string().max(32).optional(),
          default: z.unknown().optional(),
          value: z.unknown().optional(),
          description: z.string().max(1_000).optional(),
        }),
      )
      .max(100)
      .optional(),
  })
  .openapi("WorkflowGraph");

/** A LiquidCortex / LVNG step chain; compiled to a linear graph with conditions. */
const ChainBody = z
  .object({
    trigger: z
      .object({
        type: z.string().max(32),
        event: z.string().max(200).optional(),
        cron: z.string().max(200).optional(),
        timezone: z.string().max(64).optional(),
      })
      .optional(),
    steps: z
      .array(
        z.object({
          id: z.string().max(64).optional(),
          employee_id: z.string().max(100).optional(),
          action: z.string().max(200).optional(),
          tool: z.string().max(64).optional(),
          type: z.string().max(64).optional(),
          config: z.record(z.string(), z.unknown()).optional(),
          input: z.unknown().optional(),
          condition: z.string().max(2_000).optional(),
          depends_on: z.array(z.string().max(64)).max(50).optional(),
        }),
      )
      .min(1)
      .max(200),
  })
  .openapi("WorkflowChain");

/** Exactly one of the three shapes; `definition` is Atrium's own model (see GET …/components). */
const Shapes = {
  definition: z.record(z.string(), z.unknown()).optional().openapi({ description: "Atrium's model: nodes, edges, variables, triggers" }),
  graph: GraphBody.optional(),
  chain: ChainBody.optional(),
};
export type DefinitionShapes = { definition?: Record<string, unknown> | undefined; graph?: unknown; chain?: unknown };

const oneShape = (b: DefinitionShapes) => [b.definition, b.graph, b.chain].filter((x) => x !== undefined).length <= 1;

export const WorkflowCreate = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2_000).nullish(),
    is_active: z.boolean().default(true),
    message: z.string().trim().max(500).optional().openapi({ description: "What this version changes" }),
    ...Shapes,
  })
  .refine((b) => oneShape(b) && (b.definition ?? b.graph ?? b.chain) !== undefined, "Give exactly one of definition, graph and chain")
  .openapi("WorkflowCreate");
export type WorkflowCreate = z.infer<typeof WorkflowCreate>;

export const WorkflowUpdate = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().max(2_000).nullish(),
    is_active: z.boolean().optional(),
    message: z.string().trim().max(500).optional(),
    /** The version the change was made from: a newer saved version → 409. */
    base_version: z.int().min(1).optional(),
    ...Shapes,
  })
  .refine(oneShape, "Give at most one of definition, graph and chain")
  .openapi("WorkflowUpdate");
export type WorkflowUpdate = z.infer<typeof WorkflowUpdate>;

export const ValidateBody = z
  .object(Shapes)
  .refine((b) => oneShape(b) && (b.definition ?? b.graph ?? b.chain) !== undefined, "Give exactly one of definition, graph and chain")
  .openapi("WorkflowValidate");
export type ValidateBody = z.infer<typeof ValidateBody>;

export const ComponentsQuery = z.object({
  category: z.enum(["io", "ai", "logic", "integration", "human", "flow"]).optional(),
  type: z.string().max(64).optional(),
});

export const RunCreate = z
  .object({
    input: z.record(z.string(), z.unknown()).default({}),
    /** sync: answer when the run ends, or 202 once `timeout` passes; async: 202 at once. */
    mode: z.enum(["sync", "async"]).default("async"),
    timeout: z.number().min(1).max(100).default(30).openapi({ description: "Seconds a sync call waits before answering 202" }),
    /** Runs a saved version instead of the current one. */
    version: z.int().min(1).optional(),
    callback_url: z
      .string()
      .trim()
      .min(1)
      .max(2048)
      .optional()
      .openapi({ description: "POSTed (Standard Webhooks signed) when the run ends" }),
  })
  .openapi("WorkflowRunCreate");
export type RunCreate = z.infer<typeof RunCreate>;

export const ListRunsQuery = z.object({
  ...Page,
  status: z.enum(RUN_STATUSES).optional(),
  workflow_id: z.uuid().optional(),
  trigger: z.enum(["manual", "webhook", "schedule", "event", "rerun", "sub_workflow"]).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});
export type ListRunsQuery = z.infer<typeof ListRunsQuery>;

export const UsageQuery = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30),
  workflow_id: z.uuid().optional(),
});
export type UsageQuery = z.infer<typeof UsageQuery>;

// ---- responses ----

const IssueSchema = z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() });

export const WorkflowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    is_active: z.boolean(),
    current_version: z.number().int(),
    triggers: z.array(z.record(z.string(), z.unknown())),
    created_by_member_id: z.string().nullable(),
    owner_member_id: z.string().nullable(),
    webhook_url: z.string().nullable().openapi({ description: "Shown once, when the trigger secret is made" }),
    has_webhook_trigger: z.boolean(),
    next_scheduled_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    definition: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi("Workflow");

export const VersionSchema = z
  .object({
    workflow_id: z.string(),
    version: z.number().int(),
    message: z.string().nullable(),
    created_by_member_id: z.string().nullable(),
    created_at: z.string(),
    definition: z.record(z.string(), z.unknown()).optional(),
    source_format: z.string().nullable(),
  })
  .openapi("WorkflowVersion");

export const ValidationSchema = z
  .object({ valid: z.boolean(), issues: z.array(IssueSchema), definition: z.record(z.string(), z.unknown()).nullable() })
  .openapi("WorkflowValidation");

export const NodeRunSchema = z
  .object({
    node_id: z.string(),
    component: z.string(),
    status: z.string(),
    attempts: z.number().int(),
    input: z.unknown(),
    output: z.unknown(),
    port: z.string().nullable(),
    error: z.string().nullable(),
    tokens: z.number().int(),
    credits: z.number(),
    duration_ms: z.number().int().nullable(),
    reused: z.boolean(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .openapi("WorkflowNodeRun");

export const RunSchema = z
  .object({
    id: z.string(),
    workflow_id: z.string(),
    version: z.number().int(),
    status: z.enum(RUN_STATUSES),
    trigger: z.record(z.string(), z.unknown()),
    input: z.unknown(),
    output: z.unknown(),
    error: z.object({ node: z.string().optional(), message: z.string(), code: z.string().optional() }).nullable(),
    started_by_member_id: z.string().nullable(),
    rerun_of: z.string().nullable(),
    parent_run_id: z.string().nullable(),
    tokens: z.number().int(),
    credits: z.number(),
    duration_ms: z.number().int().nullable(),
    callback_status: z.string().nullable(),
    status_url: z.string(),
    stream_url: z.string(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    nodes: z.array(NodeRunSchema).optional(),
  })
  .openapi("WorkflowRun");
