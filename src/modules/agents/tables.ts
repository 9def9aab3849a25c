import { boolean, index, integer, jsonb, pgTable, smallint, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, ts, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";

export type AgentCategory = "operations" | "sales" | "marketing" | "engineering" | "finance" | "support" | "general";
export type AgentTier = "starter" | "professional" | "manager" | "executive";
/** active/idle/offline as the LiquidCortex seed shows them; disabled employees cannot be run. */
export type AgentStatus = "active" | "idle" | "offline" | "disabled";
export type AgentRunStatus = "running" | "completed" | "failed" | "stopped";
export type AgentRunSource = "api" | "chat";

/**
 * Tenant database: AI employees. Built-ins (is_builtin) are seeded into every workspace by slug;
 * custom ones are created by holders of can_manage_agents. Each employee has its own tenant
 * `members` row (member_id) so what it does (tasks, messages, activity) is attributed to it.
 */
export const agents = pgTable(
  "agents",
  {
    id: pk(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    role: text("role").notNull(),
    category: text("category").$type<AgentCategory>().notNull(),
    description: text("description").notNull().default(""),
    systemPrompt: text("system_prompt").notNull().default(""),
    capabilities: jsonb("capabilities").$type<string[]>().notNull().default([]),
    tier: text("tier").$type<AgentTier>().notNull().default("starter"),
    status: text("status").$type<AgentStatus>().notNull().default("active"),
    avatar: text("avatar"),
    /** The gateway model to use; null = the workspace default. */
    model: text("model"),
    isBuiltin: boolean("is_builtin").notNull().default(false),
    memberId: uuid("member_id")
      .notNull()
      .references(() => members.id),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("agents_slug_key").on(t.slug), index("agents_category_idx").on(t.category)],
);

/** One step of a run, as stored (and returned) on the run. */
export type AgentRunStep =
  | { index: number; type: "model"; content: string | null; tool_calls: { id: string; name: string; arguments: string }[]; at: string }
  | { index: number; type: "tool_call"; id: string; name: string; arguments: unknown; at: string }
  | { index: number; type: "tool_result"; id: string; name: string; result: unknown; is_error: boolean; duration_ms: number; at: string };

/**
 * One piece of work given to an employee: an instruction (POST /agents/{id}/run) or a chat turn
 * (runEmployeeTurn). `status` is the stop signal as well: the loop re-reads it between steps.
 */
export const agentRuns = pgTable(
  "agent_runs",
  {
    id: pk(),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    invokedByMemberId: uuid("invoked_by_member_id").references(() => members.id, { onDelete: "set null" }),
    source: text("source").$type<AgentRunSource>().notNull().default("api"),
    instruction: text("instruction").notNull(),
    status: text("status").$type<AgentRunStatus>().notNull().default("running"),
    steps: jsonb("steps").$type<AgentRunStep[]>().notNull().default([]),
    output: text("output"),
    error: text("error"),
    /** True when the loop stopped at the step limit with the model still asking for tools. */
    hitStepLimit: boolean("hit_step_limit").notNull().default(false),
    model: text("model"),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    durationMs: integer("duration_ms"),
    rating: smallint("rating"),
    ratingComment: text("rating_comment"),
    ratedAt: ts("rated_at"),
    finishedAt: ts("finished_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("agent_runs_agent_created_idx").on(t.agentId, t.createdAt), index("agent_runs_status_idx").on(t.agentId, t.status)],
);
