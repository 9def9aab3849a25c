import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

export const AgentCategorySchema = z
  .enum(["operations", "sales", "marketing", "engineering", "finance", "support", "general"])
  .openapi("AgentCategory");
export const AgentTierSchema = z.enum(["starter", "professional", "manager", "executive"]).openapi("AgentTier");
export const AgentStatusSchema = z
  .enum(["active", "idle", "offline", "disabled"])
  .openapi("AgentStatus", { description: "disabled and offline employees cannot be run" });
export const AgentRunStatusSchema = z.enum(["running", "completed", "failed", "stopped"]).openapi("AgentRunStatus");

export const AgentStatsSchema = z
  .object({
    period: z.string().openapi({ example: "7d" }),
    tasks_completed_today: z.number().int().openapi({ description: "Runs (instructions and chat turns) completed since 00:00 UTC" }),
    runs_total: z.number().int().openapi({ description: "Runs started in the period" }),
    runs_completed: z.number().int(),
    runs_failed: z.number().int(),
    runs_stopped: z.number().int(),
    tool_calls: z.number().int().openapi({ description: "Tool calls made in the period's runs" }),
    avg_response_time_ms: z.number().int().nullable().openapi({ description: "Mean duration of the period's finished runs" }),
    satisfaction_score: z.number().nullable().openapi({ description: "Mean rating (1–5) of the period's rated runs" }),
    ratings_count: z.number().int(),
  })
  .openapi("AgentStats");

export const AgentSchema = z
  .object({
    id: z.uuid(),
    slug: z.string().openapi({ example: "atlas", description: "Also accepted wherever {agent_id} is" }),
    name: z.string(),
    role: z.string().openapi({ example: "Executive Assistant" }),
    category: AgentCategorySchema,
    description: z.string(),
    system_prompt: z.string(),
    capabilities: z.array(z.string()).openapi({ example: ["task_management", "messaging", "scheduling"] }),
    tools: z.array(z.string()).openapi({ description: "Registry tools the capabilities give (GET /agents/tools)" }),
    tier: AgentTierSchema,
    status: AgentStatusSchema,
    avatar: z.string().nullable(),
    model: z.string().nullable().openapi({ description: "Model the employee uses; null = the workspace default" }),
    is_builtin: z.boolean(),
    member_id: z.uuid().openapi({ description: "The employee's workspace member (author of what it creates)" }),
    created_by_member_id: z.uuid().nullable(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Agent");

export const AgentDetailSchema = AgentSchema.extend({ stats: AgentStatsSchema }).openapi("AgentDetail");

export const AgentPageSchema = z
  .object({ items: z.array(AgentSchema), total: z.number().int(), skip: z.number().int(), limit: z.number().int() })
  .openapi("AgentPage");

export const AgentRunStepSchema = z
  .object({
    index: z.number().int(),
    type: z.enum(["model", "tool_call", "tool_result"]),
    at: isoDate,
    content: z.string().nullable().optional().openapi({ description: "model: the text the model produced" }),
    tool_calls: z
      .array(z.object({ id: z.string(), name: z.string(), arguments: z.string() }))
      .optional()
      .openapi({ description: "model: the tools it asked for" }),
    id: z.string().optional().openapi({ description: "tool_call / tool_result: the tool call id" }),
    name: z.string().optional(),
    arguments: z.unknown().optional(),
    result: z.unknown().optional(),
    is_error: z.boolean().optional(),
    duration_ms: z.number().int().optional(),
  })
  .openapi("AgentRunStep");

export const AgentRunSchema = z
  .object({
    id: z.uuid(),
    agent_id: z.uuid(),
    invoked_by_member_id: z.uuid().nullable(),
    source: z.enum(["api", "chat"]),
    instruction: z.string(),
    status: AgentRunStatusSchema,
    output: z.string().nullable(),
    error: z.string().nullable(),
    hit_step_limit: z.boolean(),
    steps: z.array(AgentRunStepSchema),
    model: z.string().nullable(),
    usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
    duration_ms: z.number().int().nullable(),
    rating: z.number().int().nullable(),
    rating_comment: z.string().nullable(),
    created_at: isoDate,
    finished_at: isoDate.nullable(),
  })
  .openapi("AgentRun");

export const AgentRunPageSchema = z
  .object({ items: z.array(AgentRunSchema), total: z.number().int(), skip: z.number().int(), limit: z.number().int() })
  .openapi("AgentRunPage");

export const AgentToolSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    capability: z.string(),
    parameters: z.record(z.string(), z.unknown()).openapi({ description: "JSON Schema of the arguments" }),
    needs_approval: z
      .boolean()
      .openapi({ description: "When an employee calls it, an approval is opened (GET /api/v1/approvals) and it runs only if approved" }),
  })
  .openapi("AgentTool");

// ---- inputs ----------------------------------------------------------------------------------

const capability = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,49}$/, "Lower-case letters, digits and underscores")
  .openapi({ example: "task_management" });
const name = z.string().trim().min(1).max(80);
const roleField = z.string().trim().min(1).max(120);
const description = z.string().trim().max(2000);
const systemPrompt = z.string().trim().max(20_000);
const capabilities = z.array(capability).max(30);
const avatar = z.string().trim().min(1).max(2000).nullable();
const model = z.string().trim().min(1).max(200).nullable();

export const AgentCreate = z
  .object({
    name,
    role: roleField,
    category: AgentCategorySchema,
    slug: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "Lower-case letters, digits and dashes (2–63)")
      .optional()
      .openapi({ description: "Defaults to one made from the name; built-in slugs are reserved (409)" }),
    description: description.optional(),
    system_prompt: systemPrompt.optional(),
    capabilities: capabilities.optional(),
    tier: AgentTierSchema.optional(),
    status: AgentStatusSchema.optional(),
    avatar: avatar.optional(),
    model: model.optional(),
  })
  .openapi("AgentCreate");
export type AgentCreate = z.infer<typeof AgentCreate>;

export const AgentUpdate = z
  .object({
    name: name.optional(),
    role: roleField.optional(),
    category: AgentCategorySchema.optional(),
    description: description.optional(),
    system_prompt: systemPrompt.optional(),
    capabilities: capabilities.optional(),
    tier: AgentTierSchema.optional(),
    status: AgentStatusSchema.optional(),
    avatar: avatar.optional(),
    model: model.optional(),
  })
  .openapi("AgentUpdate", { description: "Built-in employees only take status, model and avatar" });
export type AgentUpdate = z.infer<typeof AgentUpdate>;

export const MAX_STEPS = 8;

export const AgentRunCreate = z
  .object({
    instruction: z.string().trim().min(1).max(20_000),
    max_steps: z
      .number()
      .int()
      .min(1)
      .max(MAX_STEPS)
      .optional()
      .openapi({ description: `Model calls allowed (each may request tools); default and maximum ${MAX_STEPS}` }),
  })
  .openapi("AgentRunCreate");
export type AgentRunCreate = z.infer<typeof AgentRunCreate>;

export const AgentRunRating = z
  .object({ rating: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).nullable().optional() })
  .openapi("AgentRunRating");
export type AgentRunRating = z.infer<typeof AgentRunRating>;

export const AgentStopResultSchema = z.object({ stopped: z.number().int(), runs: z.array(AgentRunSchema) }).openapi("AgentStopResult");

// ---- params and queries ----------------------------------------------------------------------

const q = (n: string, description: string) => ({ param: { name: n, in: "query" as const }, description });

export const AgentIdParam = z.object({
  agent_id: z.string().openapi({ param: { name: "agent_id", in: "path" }, description: "The employee's id or slug (e.g. atlas)" }),
});
export const AgentRunParams = AgentIdParam.extend({
  run_id: z.string().openapi({ param: { name: "run_id", in: "path" } }),
});

const boolParam = (n: string, description: string) =>
  z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({ ...q(n, description), type: "boolean" });
const skip = z.coerce.number().int().min(0).default(0).openapi(q("skip", "Items to skip"));
const limit = (max: number, def: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(def)
    .openapi(q("limit", `At most ${max}`));

export const ListAgentsQuery = z.object({
  category: AgentCategorySchema.optional().openapi(q("category", "operations, sales, marketing, engineering, finance, support, general")),
  status: AgentStatusSchema.optional().openapi(q("status", "active, idle, offline, disabled")),
  tier: AgentTierSchema.optional().openapi(q("tier", "starter, professional, manager, executive")),
  search: z.string().trim().max(200).optional().openapi(q("search", "Case-insensitive match in name, role and description")),
  is_builtin: boolParam("is_builtin", "true: the built-in roster; false: custom employees"),
  skip,
  limit: limit(100, 50),
});
export type ListAgentsQuery = z.infer<typeof ListAgentsQuery>;

export const ListAgentRunsQuery = z.object({
  status: AgentRunStatusSchema.optional().openapi(q("status", "running, completed, failed, stopped")),
  skip,
  limit: limit(100, 20),
});
export type ListAgentRunsQuery = z.infer<typeof ListAgentRunsQuery>;

export const AgentStatsQuery = z.object({
  period: z.enum(["24h", "7d", "30d", "90d"]).default("7d").openapi(q("period", "24h, 7d, 30d or 90d (default 7d)")),
});
export type AgentStatsQuery = z.infer<typeof AgentStatsQuery>;

export const StopAgentQuery = z.object({
  run_id: z.uuid().optional().openapi(q("run_id", "Stop only this run; default: every running run you may stop")),
});
export type StopAgentQuery = z.infer<typeof StopAgentQuery>;
