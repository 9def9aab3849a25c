import { type AnyPgColumn, boolean, date, doublePrecision, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk, updatedAt } from "../../platform/db/columns";
import { members } from "../members/tables";
import { teams } from "../teams/tables";

export type GoalLevel = "company" | "team" | "individual";
export type GoalStatus = "on-track" | "at-risk" | "behind" | "completed";
export type KeyResultKind = "key_result" | "step";

/**
 * Tenant database: goals (OKRs), nested through `parent_goal_id` (the service refuses cycles).
 * `progress` (0–100) is recalculated from the key results whenever they change; a goal without
 * key results keeps the progress it was given.
 */
export const goals = pgTable(
  "goals",
  {
    id: pk(),
    title: text("title").notNull(),
    description: text("description"),
    level: text("level").$type<GoalLevel>().notNull().default("individual"),
    status: text("status").$type<GoalStatus>().notNull().default("on-track"),
    ownerMemberId: uuid("owner_member_id").references(() => members.id, { onDelete: "set null" }),
    createdByMemberId: uuid("created_by_member_id").references(() => members.id, { onDelete: "set null" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    parentGoalId: uuid("parent_goal_id").references((): AnyPgColumn => goals.id, { onDelete: "set null" }),
    period: text("period"),
    startDate: date("start_date", { mode: "string" }),
    dueDate: date("due_date", { mode: "string" }),
    progress: integer("progress").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("goals_owner_idx").on(t.ownerMemberId), index("goals_team_idx").on(t.teamId), index("goals_parent_idx").on(t.parentGoalId)],
);

/**
 * Key results (measured: start → target, progress from current) and steps (done or not) of a
 * goal, in `position` order.
 */
export const keyResults = pgTable(
  "key_results",
  {
    id: pk(),
    goalId: uuid("goal_id")
      .notNull()
      .references(() => goals.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description"),
    kind: text("kind").$type<KeyResultKind>().notNull().default("key_result"),
    startValue: doublePrecision("start_value").notNull().default(0),
    targetValue: doublePrecision("target_value").notNull().default(100),
    currentValue: doublePrecision("current_value").notNull().default(0),
    unit: text("unit"),
    /** Steps: set by the caller. Key results: true once current reaches target. */
    isCompleted: boolean("is_completed").notNull().default(false),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("key_results_goal_idx").on(t.goalId, t.position)],
);
