import { and, desc, eq, isNull, notInArray, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { ServiceError } from "../../platform/errors";
import { recordActivity } from "../activity/service";
import { currentMember } from "../members/service";
import { members } from "../members/tables";
import { notify } from "../notifications/service";
import { canAccessObject, hasPermission, type Permission, requirePermission } from "../permissions/service";
import { myTeamIds } from "../teams/service";
import { teams } from "../teams/tables";
import {
  type GoalRow,
  getGoalOrThrow,
  goalProgress,
  type KeyResultRow,
  keyResultProgress,
  keyResultsOf,
  type Tx,
  toGoal,
} from "./internal";
import type { GoalCreate, GoalProgressUpdate, GoalUpdate, KeyResultCreate, ListGoalsQuery } from "./schemas";
import { type GoalStatus, goals, keyResults } from "./tables";

const fieldError = (loc: (string | number)[], msg: string) =>
  new ServiceError("validation_error", msg, { issues: [{ loc: ["body", ...loc], msg, type: "value_error" }] });

/** The goal's "own" people: whoever created it and its owner. */
const ownersOf = (g: GoalRow) => [g.createdByMemberId, g.ownerMemberId];

async function me(ctx: ServiceContext) {
  const [m, teamIds] = await Promise.all([currentMember(ctx), myTeamIds(ctx)]);
  return { memberId: m.id, teamIds };
}

/** can_view_goal sees every goal; without it (a role override) only the goals you own. Else 404. */
async function visibleGoal(ctx: ServiceContext, goalId: string): Promise<GoalRow> {
  const g = await getGoalOrThrow(ctx.db, goalId);
  if (await hasPermission(ctx, "can_view_goal")) return g;
  const { memberId } = await me(ctx);
  if (!ownersOf(g).includes(memberId)) throw new ServiceError("not_found", "Goal not found");
  return g;
}

/** `permission` on any goal, or `ownPermission` on a goal the caller created or owns. */
async function requireGoalAccess(ctx: ServiceContext, g: GoalRow, permission: Permission, ownPermission: Permission) {
  if (!(await canAccessObject(ctx, { permission, ownPermission, ownerMemberIds: ownersOf(g) }, await me(ctx)))) {
    throw new ServiceError("forbidden", `You need ${permission}, or ${ownPermission} on a goal you created or own`);
  }
}

async function assertActiveMember(db: Tx, memberId: string, loc: string) {
  const [m] = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.id, memberId), eq(members.isActive, true)));
  if (!m) throw fieldError([loc], "Not an active member of this workspace");
}

async function assertTeamExists(db: Tx, teamId: string) {
  const [t] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  if (!t) throw fieldError(["team_id"], "Team not found in this workspace");
}

/** 422 when `parentId` is missing, is `goalId`, or is one of its descendants. */
async function assertParent(db: Tx, parentId: string, goalId?: string) {
  if (parentId === goalId) throw fieldError(["parent_goal_id"], "A goal cannot be its own parent");
  // Walk up from the proposed parent; UNION (not UNION ALL) stops even on corrupt cyclic data.
  const rows = await db.execute<{ id: string }>(sql`
    with recursive ancestors(id, parent_goal_id) as (
      select id, parent_goal_id from ${goals} where id = ${parentId}
      union
      select g.id, g.parent_goal_id from ${goals} g inner join ancestors a on g.id = a.parent_goal_id
    )
    select id from ancestors`);
  const ids = rows.rows.map((r) => r.id);
  if (ids.length === 0) throw fieldError(["parent_goal_id"], "Parent goal not found in this workspace");
  if (goalId && ids.includes(goalId)) throw fieldError(["parent_goal_id"], "A goal cannot be moved under one of its own sub-goals");
}

/** Re-parenting takes one advisory lock, so two concurrent moves cannot together make a loop. */
const lockHierarchy = (tx: Tx) => tx.execute(sql`select pg_advisory_xact_lock(hashtext('atrium.goals.hierarchy'))`);

function assertDates(start: string | null | undefined, due: string | null | undefined) {
  if (start && due && due < start) throw fieldError(["due_date"], "due_date must not be before start_date");
}

/** Column values of a key result from its API fields (steps are 0 → 1, done or not). */
function keyResultValues(k: Partial<KeyResultCreate>, prev?: KeyResultRow) {
  const kind = k.kind ?? prev?.kind ?? "key_result";
  if (kind === "step") {
    const done = k.is_completed ?? (k.current_value !== undefined ? k.current_value >= 1 : (prev?.isCompleted ?? false));
    return { kind, startValue: 0, targetValue: 1, currentValue: done ? 1 : 0, isCompleted: done };
  }
  const startValue = k.start_value ?? (prev?.kind === "key_result" ? prev.startValue : 0);
  const targetValue = k.target_value ?? (prev?.kind === "key_result" ? prev.targetValue : 100);
  const currentValue = k.current_value ?? (prev?.kind === "key_result" ? prev.currentValue : startValue);
  const isCompleted = keyResultProgress({ kind, startValue, targetValue, currentValue, isCompleted: false }) >= 100;
  return { kind, startValue, targetValue, currentValue, isCompleted };
}

/**
 * The status after progress moved: reaching 100 completes the goal, dropping below 100 puts a
 * completed goal back on track. A status the caller sets explicitly wins.
 */
function settleStatus(current: GoalStatus, progress: number, explicit: GoalStatus | undefined, hasKeyResults: boolean): GoalStatus {
  if (explicit) return explicit;
  if (!hasKeyResults) return current;
  if (progress >= 100) return "completed";
  if (current === "completed") return "on-track";
  return current;
}

/** Recomputes and stores the goal's progress (and settled status) from its key results. */
async function recalculate(tx: Tx, g: GoalRow, explicitStatus?: GoalStatus, manualProgress?: number) {
  const krs = (await keyResultsOf(tx, [g.id])).get(g.id) ?? [];
  const progress = goalProgress(krs, manualProgress ?? g.progress);
  const status = settleStatus(g.status, progress, explicitStatus, krs.length > 0);
  const [row] = await tx.update(goals).set({ progress, status }).where(eq(goals.id, g.id)).returning();
  return { goal: row ?? g, krs };
}

async function loadGoal(ctx: ServiceContext, goalId: string) {
  const g = await getGoalOrThrow(ctx.db, goalId);
  const krs = (await keyResultsOf(ctx.db, [g.id])).get(g.id) ?? [];
  return toGoal(g, krs);
}

// ---- verbs ----------------------------------------------------------------------------------

export async function listGoals(ctx: ServiceContext, q: ListGoalsQuery) {
  const where: SQL[] = [];
  if (!(await hasPermission(ctx, "can_view_goal"))) {
    const { memberId } = await me(ctx);
    where.push(sql`(${goals.ownerMemberId} = ${memberId} or ${goals.createdByMemberId} = ${memberId})`);
  }
  if (q.level) where.push(eq(goals.level, q.level));
  if (q.status) where.push(eq(goals.status, q.status));
  if (q.owner_id) where.push(eq(goals.ownerMemberId, q.owner_id === "me" ? (await me(ctx)).memberId : q.owner_id));
  if (q.team_id) where.push(eq(goals.teamId, q.team_id));
  if (q.parent_goal_id === "null") where.push(isNull(goals.parentGoalId));
  else if (q.parent_goal_id) where.push(eq(goals.parentGoalId, q.parent_goal_id));
  const rows = await ctx.db
    .select()
    .from(goals)
    .where(and(...where))
    .orderBy(desc(goals.createdAt), desc(goals.id))
    .offset(q.skip)
    .limit(q.limit);
  const krs = await keyResultsOf(
    ctx.db,
    rows.map((g) => g.id),
  );
  return rows.map((g) => toGoal(g, krs.get(g.id) ?? []));
}

export async function createGoal({ ctx, input }: { ctx: ServiceContext; input: GoalCreate }) {
  await requirePermission(ctx, "can_create_goal");
  const creator = await currentMember(ctx);
  const ownerId = input.owner_id === undefined ? creator.id : input.owner_id;
  if (ownerId && ownerId !== creator.id) await assertActiveMember(ctx.db, ownerId, "owner_id");
  if (input.team_id) await assertTeamExists(ctx.db, input.team_id);
  assertDates(input.start_date, input.due_date);
  const id = await ctx.db.transaction(async (tx) => {
    if (input.parent_goal_id) {
      await lockHierarchy(tx);
      await assertParent(tx, input.parent_goal_id);
    }
    const [g] = await tx
      .insert(goals)
      .values({
        title: input.title,
        description: input.description ?? null,
        level: input.level ?? (input.team_id ? "team" : "individual"),
        status: input.status ?? "on-track",
        ownerMemberId: ownerId,
        createdByMemberId: creator.id,
        teamId: input.team_id ?? null,
        parentGoalId: input.parent_goal_id ?? null,
        period: input.period ?? null,
        startDate: input.start_date ?? null,
        dueDate: input.due_date ?? null,
        progress: input.progress ?? 0,
      })
      .returning();
    if (!g) throw new ServiceError("internal_error", "Goal was not created");
    const krs = input.key_results ?? [];
    if (krs.length > 0) {
      await tx.insert(keyResults).values(
        krs.map((k, i) => ({
          goalId: g.id,
          title: k.title,
          description: k.description ?? null,
          unit: k.unit ?? null,
          position: i,
          ...keyResultValues(k),
        })),
      );
      await recalculate(tx, g, input.status);
    }
    return g.id;
  });
  const goal = await loadGoal(ctx, id);
  await recordActivity(ctx, { type: "goal.created", subjectType: "goal", subjectId: id, summary: `Goal "${goal.title}" created` });
  if (ownerId && ownerId !== creator.id) {
    await notify(ctx, {
      recipients: [ownerId],
      eventType: "goal_updated",
      title: `You own the goal "${goal.title}"`,
      data: { goal_id: id },
    });
  }
  return goal;
}

export async function updateGoal({ ctx, input }: { ctx: ServiceContext; input: GoalUpdate }) {
  const g = await visibleGoal(ctx, input.goal_id);
  await requireGoalAccess(ctx, g, "can_edit_goal", "can_edit_own_goal");
  if (input.owner_id) await assertActiveMember(ctx.db, input.owner_id, "owner_id");
  if (input.team_id) await assertTeamExists(ctx.db, input.team_id);
  assertDates(input.start_date === undefined ? g.startDate : input.start_date, input.due_date === undefined ? g.dueDate : input.due_date);
  const set: Partial<typeof goals.$inferInsert> = {};
  if (input.title !== undefined) set.title = input.title;
  if (input.description !== undefined) set.description = input.description;
  if (input.level !== undefined) set.level = input.level;
  if (input.status !== undefined) set.status = input.status;
  if (input.owner_id !== undefined) set.ownerMemberId = input.owner_id;
  if (input.team_id !== undefined) set.teamId = input.team_id;
  if (input.parent_goal_id !== undefined) set.parentGoalId = input.parent_goal_id;
  if (input.period !== undefined) set.period = input.period;
  if (input.start_date !== undefined) set.startDate = input.start_date;
  if (input.due_date !== undefined) set.dueDate = input.due_date;
  if (input.progress !== undefined) set.progress = input.progress;

  await ctx.db.transaction(async (tx) => {
    // Row lock: concurrent progress updates and edits of one goal apply one after the other.
    await tx.select({ id: goals.id }).from(goals).where(eq(goals.id, g.id)).for("update");
    if (input.parent_goal_id && input.parent_goal_id !== g.parentGoalId) {
      await lockHierarchy(tx);
      await assertParent(tx, input.parent_goal_id, g.id);
    }
    const [row] = Object.keys(set).length > 0 ? await tx.update(goals).set(set).where(eq(goals.id, g.id)).returning() : [g];
    if (input.key_results !== undefined) {
      const existing = (await keyResultsOf(tx, [g.id])).get(g.id) ?? [];
      const byId = new Map(existing.map((k) => [k.id, k]));
      input.key_results.forEach((k, i) => {
        if (k.id && !byId.has(k.id)) throw fieldError(["key_results", i, "id"], "Key result not found on this goal");
      });
      const keep = input.key_results.flatMap((k) => (k.id ? [k.id] : []));
      await tx.delete(keyResults).where(and(eq(keyResults.goalId, g.id), keep.length ? notInArray(keyResults.id, keep) : undefined));
      for (const [i, k] of input.key_results.entries()) {
        const prev = k.id ? byId.get(k.id) : undefined;
        const fields = {
          title: k.title,
          description: k.description === undefined ? (prev?.description ?? null) : k.description,
          unit: k.unit === undefined ? (prev?.unit ?? null) : k.unit,
          position: i,
          ...keyResultValues(k, prev),
        };
        if (prev) await tx.update(keyResults).set(fields).where(eq(keyResults.id, prev.id));
        else await tx.insert(keyResults).values({ goalId: g.id, ...fields });
      }
    }
    // Progress (and the status it settles) moves only when key results or progress were given.
    if (input.key_results !== undefined || input.progress !== undefined) await recalculate(tx, row ?? g, input.status, input.progress);
  });
  const goal = await loadGoal(ctx, g.id);
  await recordActivity(ctx, {
    type: "goal.updated",
    subjectType: "goal",
    subjectId: g.id,
    summary: `Goal "${goal.title}" updated`,
    data: { fields: Object.keys(input).filter((k) => k !== "goal_id") },
  });
  if (input.owner_id && input.owner_id !== g.ownerMemberId) {
    await notify(ctx, {
      recipients: [input.owner_id],
      eventType: "goal_updated",
      title: `You own the goal "${goal.title}"`,
      data: { goal_id: g.id },
    });
  }
  return goal;
}

/** Sets current values (or done flags) of key results, or a manual progress, then recalculates. */
export async function updateGoalProgress({ ctx, input }: { ctx: ServiceContext; input: GoalProgressUpdate }) {
  const g = await visibleGoal(ctx, input.goal_id);
  await requireGoalAccess(ctx, g, "can_edit_goal", "can_edit_own_goal");
  const before = g.progress;
  const updated = await ctx.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(goals).where(eq(goals.id, g.id)).for("update");
    if (!locked) throw new ServiceError("not_found", "Goal not found");
    const existing = (await keyResultsOf(tx, [g.id])).get(g.id) ?? [];
    const byId = new Map(existing.map((k) => [k.id, k]));
    const updates = input.key_results ?? [];
    updates.forEach((u, i) => {
      if (!byId.has(u.key_result_id)) throw fieldError(["key_results", i, "key_result_id"], "Key result not found on this goal");
    });
    if (input.progress !== undefined && existing.length > 0) {
      throw fieldError(["progress"], "This goal's progress comes from its key results; update those instead");
    }
    for (const u of updates) {
      const prev = byId.get(u.key_result_id) as KeyResultRow;
      const values = keyResultValues({ current_value: u.current_value, is_completed: u.is_completed } as Partial<KeyResultCreate>, prev);
      await tx.update(keyResults).set(values).where(eq(keyResults.id, prev.id));
    }
    return recalculate(tx, locked, undefined, input.progress);
  });
  await recordActivity(ctx, {
    type: "goal.progress_updated",
    subjectType: "goal",
    subjectId: g.id,
    summary: `Goal "${g.title}" progress ${before}% → ${updated.goal.progress}%`,
    data: { from: before, to: updated.goal.progress },
  });
  if (updated.goal.ownerMemberId) {
    await notify(ctx, {
      recipients: [updated.goal.ownerMemberId],
      eventType: "goal_updated",
      title: `"${g.title}" is at ${updated.goal.progress}%`,
      data: { goal_id: g.id, progress: updated.goal.progress, status: updated.goal.status },
    });
  }
  return toGoal(updated.goal, updated.krs);
}

export async function deleteGoal(ctx: ServiceContext, goalId: string) {
  const g = await visibleGoal(ctx, goalId);
  await requireGoalAccess(ctx, g, "can_delete_goal", "can_delete_own_goal");
  // Key results go with the goal (cascade); sub-goals move to the top level and linked tasks
  // lose the link (set null).
  await ctx.db.delete(goals).where(eq(goals.id, g.id));
  await recordActivity(ctx, { type: "goal.deleted", subjectType: "goal", subjectId: g.id, summary: `Goal "${g.title}" deleted` });
}

// ---- offboarding ----------------------------------------------------------------------------

export async function goalsOwnedBy(ctx: ServiceContext, memberId: string) {
  const rows = await ctx.db.select({ id: goals.id, name: goals.title }).from(goals).where(eq(goals.ownerMemberId, memberId));
  return rows.map((r) => ({ ...r, relation: "owner" }));
}

export async function reassignGoals(ctx: ServiceContext, from: string, to: string) {
  const rows = await ctx.db.update(goals).set({ ownerMemberId: to }).where(eq(goals.ownerMemberId, from)).returning({ id: goals.id });
  return rows.length;
}

/** Used by tasks: the goal and key result a task links to must exist (and belong together). */
export async function assertGoalLink(ctx: ServiceContext, goalId: string | null | undefined, keyResultId: string | null | undefined) {
  let goal = goalId ?? null;
  if (keyResultId) {
    const [k] = await ctx.db.select({ goalId: keyResults.goalId }).from(keyResults).where(eq(keyResults.id, keyResultId));
    if (!k) throw fieldError(["key_result_id"], "Key result not found in this workspace");
    if (goal && goal !== k.goalId) throw fieldError(["key_result_id"], "The key result belongs to another goal");
    goal = k.goalId;
  }
  if (goal) {
    const [row] = await ctx.db.select({ id: goals.id }).from(goals).where(eq(goals.id, goal));
    if (!row) throw fieldError(["goal_id"], "Goal not found in this workspace");
  }
  return goal;
}
