import { asc, eq, inArray } from "drizzle-orm";
import { ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { goals, keyResults } from "./tables";

export type GoalRow = typeof goals.$inferSelect;
export type KeyResultRow = typeof keyResults.$inferSelect;

/** The database or a transaction on it. */
import type { Tx } from "../../platform/db";

export type { Tx };

/** 0–100. Steps count as done or not; key results by how far current is from start to target. */
export function keyResultProgress(k: Pick<KeyResultRow, "kind" | "startValue" | "targetValue" | "currentValue" | "isCompleted">): number {
  if (k.kind === "step") return k.isCompleted ? 100 : 0;
  const span = k.targetValue - k.startValue;
  // A target equal to the start is met as soon as current reaches it (in the target's direction).
  if (span === 0) return k.currentValue >= k.targetValue ? 100 : 0;
  const ratio = (k.currentValue - k.startValue) / span;
  return Math.round(Math.min(1, Math.max(0, ratio)) * 100);
}

/** The goal's progress: the mean of its key results', or `fallback` without key results. */
export function goalProgress(krs: KeyResultRow[], fallback: number): number {
  if (krs.length === 0) return fallback;
  return Math.round(krs.reduce((n, k) => n + keyResultProgress(k), 0) / krs.length);
}

export function toKeyResult(k: KeyResultRow) {
  return {
    id: k.id,
    goal_id: k.goalId,
    title: k.title,
    description: k.description,
    kind: k.kind,
    start_value: k.startValue,
    target_value: k.targetValue,
    current_value: k.currentValue,
    unit: k.unit,
    is_completed: k.isCompleted,
    progress: keyResultProgress(k),
    position: k.position,
    created_at: k.createdAt.toISOString(),
    updated_at: k.updatedAt.toISOString(),
  };
}

export function toGoal(g: GoalRow, krs: KeyResultRow[]) {
  return {
    id: g.id,
    title: g.title,
    description: g.description,
    level: g.level,
    status: g.status,
    owner_id: g.ownerMemberId,
    created_by: g.createdByMemberId,
    team_id: g.teamId,
    parent_goal_id: g.parentGoalId,
    period: g.period,
    start_date: g.startDate,
    due_date: g.dueDate,
    progress: g.progress,
    key_results: krs.map(toKeyResult),
    created_at: g.createdAt.toISOString(),
    updated_at: g.updatedAt.toISOString(),
  };
}

/** A goal, or 404 (ids that are not UUIDs are simply not found). */
export async function getGoalOrThrow(db: Tx, goalId: string): Promise<GoalRow> {
  if (!isUuid(goalId)) throw new ServiceError("not_found", "Goal not found");
  const [g] = await db.select().from(goals).where(eq(goals.id, goalId)).limit(1);
  if (!g) throw new ServiceError("not_found", "Goal not found");
  return g;
}

/** Key results of the given goals, grouped by goal, in position order. */
export async function keyResultsOf(db: Tx, goalIds: string[]): Promise<Map<string, KeyResultRow[]>> {
  const out = new Map<string, KeyResultRow[]>(goalIds.map((id) => [id, []]));
  if (goalIds.length === 0) return out;
  const rows = await db
    .select()
    .from(keyResults)
    .where(inArray(keyResults.goalId, goalIds))
    .orderBy(asc(keyResults.position), asc(keyResults.id));
  for (const r of rows) out.get(r.goalId)?.push(r);
  return out;
}
