import { and, asc, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { requireWithinLimit } from "../../../platform/billing/limits";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { emitEvent } from "../../../platform/events/outbox";
import { uuidv7 } from "../../../platform/ids";
import { freeSlug, slugify } from "../../../platform/slugs";
import { recordActivity } from "../../activity/service";
import { currentMember } from "../../members/service";
import { members } from "../../members/tables";
import { requirePermission } from "../../permissions/service";
import { getAgentRow, toAgent } from "../internal";
import { BUILTIN_SLUGS } from "../roster";
import type { AgentCreate, AgentUpdate, ListAgentsQuery } from "../schemas";
import { agents } from "../tables";
import { allTools } from "../tools";
import { AGENT_EMAIL_DOMAIN, ensureRoster } from "./roster";
import { agentStats } from "./stats";

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The roster and custom employees; every member of the workspace may see them. */
export async function listAgents(ctx: ServiceContext, q: ListAgentsQuery) {
  await ensureRoster(ctx);
  const conds: SQL[] = [];
  if (q.category) conds.push(eq(agents.category, q.category));
  if (q.status) conds.push(eq(agents.status, q.status));
  if (q.tier) conds.push(eq(agents.tier, q.tier));
  if (q.is_builtin !== undefined) conds.push(eq(agents.isBuiltin, q.is_builtin));
  if (q.search) {
    const p = `%${escapeLike(q.search)}%`;
    conds.push(or(ilike(agents.name, p), ilike(agents.role, p), ilike(agents.description, p)) as SQL);
  }
  const where = conds.length ? and(...conds) : undefined;
  const [rows, total] = await Promise.all([
    ctx.db
      .select()
      .from(agents)
      .where(where)
      .orderBy(desc(agents.isBuiltin), asc(sql`lower(${agents.name})`), asc(agents.id))
      .offset(q.skip)
      .limit(q.limit),
    ctx.db.$count(agents, where),
  ]);
  return { items: rows.map(toAgent), total, skip: q.skip, limit: q.limit };
}

export async function getAgent(ctx: ServiceContext, idOrSlug: string) {
  const a = await getAgentRow(ctx, idOrSlug);
  return { ...toAgent(a), stats: await agentStats(ctx, a, { period: "7d" }) };
}

/** A free slug: the given one (409 when taken or reserved) or one made from the name. */
async function chooseSlug(ctx: ServiceContext, input: AgentCreate): Promise<string> {
  if (input.slug) {
    if (BUILTIN_SLUGS.has(input.slug)) throw new ServiceError("conflict", `The slug "${input.slug}" is reserved for a built-in employee`);
    return input.slug;
  }
  const s = slugify(input.name, "agent", 48);
  return freeSlug(ctx.db, agents, agents.slug, s.length >= 2 ? s : `agent-${s}`, BUILTIN_SLUGS);
}

const isUniqueViolation = (e: unknown): boolean => {
  for (let c: unknown = e; c && typeof c === "object"; c = (c as { cause?: unknown }).cause) {
    if ((c as { code?: unknown }).code === "23505") return true;
  }
  return false;
};

/** A custom employee with its own member row (can_manage_agents). */
export async function createAgent({ ctx, input }: { ctx: ServiceContext; input: AgentCreate }) {
  await requirePermission(ctx, "can_manage_agents");
  await ensureRoster(ctx);
  const me = await currentMember(ctx);
  const slug = await chooseSlug(ctx, input);
  const memberId = uuidv7();
  let row: typeof agents.$inferSelect | undefined;
  try {
    row = await ctx.db.transaction(async (tx) => {
      await requireWithinLimit(ctx, "ai_employees", 1, tx);
      await tx.insert(members).values({
        id: memberId,
        userId: uuidv7(),
        email: `${slug}@${AGENT_EMAIL_DOMAIN}`,
        fullName: input.name,
        displayName: input.name,
        title: input.role,
        avatarUrl: input.avatar ?? null,
        role: "member",
      });
      const [a] = await tx
        .insert(agents)
        .values({
          slug,
          name: input.name,
          role: input.role,
          category: input.category,
          description: input.description ?? "",
          systemPrompt: input.system_prompt ?? "",
          capabilities: [...new Set(input.capabilities ?? [])],
          tier: input.tier ?? "starter",
          status: input.status ?? "active",
          avatar: input.avatar ?? null,
          model: input.model ?? null,
          isBuiltin: false,
          memberId,
          createdByMemberId: me.id,
        })
        .returning();
      return a;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServiceError("conflict", `An employee with the slug "${slug}" already exists`);
    throw e;
  }
  if (!row) throw new ServiceError("internal_error", "Employee was not created");
  await recordActivity(ctx, { type: "agent.created", subjectType: "agent", subjectId: row.id, summary: `AI employee ${row.name} created` });
  return toAgent(row);
}

const BUILTIN_EDITABLE = new Set(["status", "model", "avatar"]);

/** Custom employees: any field; built-ins: status (disable them), model and avatar only. */
export async function updateAgent({ ctx, agentId, input }: { ctx: ServiceContext; agentId: string; input: AgentUpdate }) {
  await requirePermission(ctx, "can_manage_agents");
  const a = await getAgentRow(ctx, agentId);
  if (a.isBuiltin) {
    const issues = Object.keys(input)
      .filter((k) => !BUILTIN_EDITABLE.has(k) && input[k as keyof AgentUpdate] !== undefined)
      .map((k) => ({ loc: ["body", k], msg: "Built-in employees only take status, model and avatar", type: "value_error" }));
    if (issues.length) throw new ServiceError("validation_error", "Built-in employees only take status, model and avatar", { issues });
  }
  const set: Partial<typeof agents.$inferInsert> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.role !== undefined) set.role = input.role;
  if (input.category !== undefined) set.category = input.category;
  if (input.description !== undefined) set.description = input.description;
  if (input.system_prompt !== undefined) set.systemPrompt = input.system_prompt;
  if (input.capabilities !== undefined) set.capabilities = [...new Set(input.capabilities)];
  if (input.tier !== undefined) set.tier = input.tier;
  if (input.status !== undefined) set.status = input.status;
  if (input.avatar !== undefined) set.avatar = input.avatar;
  if (input.model !== undefined) set.model = input.model;
  if (Object.keys(set).length === 0) return toAgent(a);
  const row = await ctx.db.transaction(async (tx) => {
    const [u] = await tx.update(agents).set(set).where(eq(agents.id, a.id)).returning();
    // The member row mirrors the name, role and avatar people see next to its work.
    const m: Partial<typeof members.$inferInsert> = {};
    if (set.name !== undefined) Object.assign(m, { fullName: set.name, displayName: set.name });
    if (set.role !== undefined) m.title = set.role;
    if (set.avatar !== undefined) m.avatarUrl = set.avatar;
    if (Object.keys(m).length) await tx.update(members).set(m).where(eq(members.id, a.memberId));
    if (u && u.status !== a.status) {
      await emitEvent(ctx, tx, "employee.status.changed", { employee: { id: u.id, name: u.name }, from: a.status, to: u.status });
    }
    return u;
  });
  if (!row) throw new ServiceError("not_found", "Employee not found");
  await recordActivity(ctx, {
    type: "agent.updated",
    subjectType: "agent",
    subjectId: row.id,
    summary: `AI employee ${row.name} updated`,
    data: { fields: Object.keys(input).filter((k) => input[k as keyof AgentUpdate] !== undefined) },
  });
  return toAgent(row);
}

/**
 * Deletes a custom employee and its runs. Its member row stays, deactivated, so the tasks and
 * messages it authored keep their author. Built-ins cannot be deleted (409): disable them.
 */
export async function deleteAgent(ctx: ServiceContext, agentId: string) {
  await requirePermission(ctx, "can_manage_agents");
  const a = await getAgentRow(ctx, agentId);
  if (a.isBuiltin) throw new ServiceError("conflict", "Built-in employees cannot be deleted; set their status to disabled instead");
  await ctx.db.transaction(async (tx) => {
    await tx.delete(agents).where(eq(agents.id, a.id));
    await tx.update(members).set({ isActive: false }).where(eq(members.id, a.memberId));
  });
  await recordActivity(ctx, { type: "agent.deleted", subjectType: "agent", subjectId: a.id, summary: `AI employee ${a.name} deleted` });
}

/** The tool registry as employees see it. */
export function listAgentTools() {
  return allTools().map((t) => ({
    name: t.name,
    description: t.description,
    capability: t.capability,
    parameters: t.parameters,
    needs_approval: t.needsApproval === true,
  }));
}
