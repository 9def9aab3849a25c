import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import type { Tx } from "../../platform/db";
import { ServiceError } from "../../platform/errors";
import { emitEvents } from "../../platform/events/outbox";
import { isUuid } from "../../platform/ids";
import { iso } from "../../platform/openapi";
import { ensureRoster } from "./service/roster";
import { type agentRuns, agents } from "./tables";
import { toolsFor } from "./tools";

export type AgentRow = typeof agents.$inferSelect;
export type AgentRunRow = typeof agentRuns.$inferSelect;

export function toAgent(a: AgentRow) {
  return {
    id: a.id,
    slug: a.slug,
    name: a.name,
    role: a.role,
    category: a.category,
    description: a.description,
    system_prompt: a.systemPrompt,
    capabilities: a.capabilities,
    tools: toolsFor(a.capabilities).map((t) => t.name),
    tier: a.tier,
    status: a.status,
    avatar: a.avatar,
    model: a.model,
    is_builtin: a.isBuiltin,
    member_id: a.memberId,
    created_by_member_id: a.createdByMemberId,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

/** employee.run.completed / employee.run.failed for runs that just ended (stopped runs emit nothing). */
export async function emitRunsEnded(ctx: ServiceContext, tx: Tx, rows: AgentRunRow[]): Promise<void> {
  for (const status of ["completed", "failed"] as const) {
    const ended = rows.filter((r) => r.status === status);
    await emitEvents(
      ctx,
      tx,
      `employee.run.${status}`,
      ended.map((r) => ({
        run: {
          id: r.id,
          employee_id: r.agentId,
          source: r.source,
          status,
          // A chat turn's answer is the person's chat: it travels in chat.message.created only.
          output: r.source === "chat" ? null : r.output,
          error: r.error,
          invoked_by_member_id: r.invokedByMemberId,
          prompt_tokens: r.promptTokens,
          completion_tokens: r.completionTokens,
          started_at: r.createdAt.toISOString(),
          finished_at: (r.finishedAt ?? new Date()).toISOString(),
        },
      })),
    );
  }
}

export function toRun(r: AgentRunRow) {
  return {
    id: r.id,
    agent_id: r.agentId,
    invoked_by_member_id: r.invokedByMemberId,
    source: r.source,
    instruction: r.instruction,
    status: r.status,
    output: r.output,
    error: r.error,
    hit_step_limit: r.hitStepLimit,
    steps: r.steps,
    model: r.model,
    usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens },
    duration_ms: r.durationMs,
    rating: r.rating,
    rating_comment: r.ratingComment,
    created_at: r.createdAt.toISOString(),
    finished_at: iso(r.finishedAt),
  };
}

/** An employee of this workspace by id or slug (the roster is seeded first), or 404. */
export async function getAgentRow(ctx: ServiceContext, idOrSlug: string): Promise<AgentRow> {
  await ensureRoster(ctx);
  const where = isUuid(idOrSlug) ? eq(agents.id, idOrSlug) : eq(agents.slug, idOrSlug.toLowerCase());
  const [a] = await ctx.db.select().from(agents).where(where).limit(1);
  if (!a) throw new ServiceError("not_found", "Employee not found");
  return a;
}
