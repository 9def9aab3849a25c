import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

export const GoalLevelSchema = z.enum(["company", "team", "individual"]).openapi("GoalLevel");
export const GoalStatusSchema = z.enum(["on-track", "at-risk", "behind", "completed"]).openapi("GoalStatus");
export const KeyResultKindSchema = z
  .enum(["key_result", "step"])
  .openapi("KeyResultKind", { description: "key_result: measured from start to target; step: done or not" });

export const KeyResultSchema = z
  .object({
    id: z.uuid(),
    goal_id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    kind: KeyResultKindSchema,
    start_value: z.number(),
    target_value: z.number(),
    current_value: z.number(),
    unit: z.string().nullable(),
    is_completed: z.boolean(),
    progress: z.number().int().openapi({ description: "0–100" }),
    position: z.number().int(),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("KeyResult");

export const GoalSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    level: GoalLevelSchema,
    status: GoalStatusSchema,
    owner_id: z.uuid().nullable(),
    created_by: z.uuid().nullable(),
    team_id: z.uuid().nullable(),
    parent_goal_id: z.uuid().nullable(),
    period: z.string().nullable(),
    start_date: z.string().nullable().openapi({ format: "date" }),
    due_date: z.string().nullable().openapi({ format: "date" }),
    progress: z.number().int().openapi({ description: "0–100: the average of the key results' progress" }),
    key_results: z.array(KeyResultSchema),
    created_at: isoDate,
    updated_at: isoDate,
  })
  .openapi("Goal");

const title = z.string().trim().min(1).max(300);
const description = z.string().trim().max(5000).nullable();
const dateOnly = z.iso.date().nullable().openapi({ example: "2026-03-31" });
const value = z.number().finite();

const keyResultFields = {
  title,
  description: description.optional(),
  kind: KeyResultKindSchema.optional(),
  start_value: value.optional(),
  target_value: value.optional(),
  current_value: value.optional(),
  unit: z.string().trim().max(40).nullable().optional(),
  is_completed: z.boolean().optional().openapi({ description: "Steps only; a key result is complete when current reaches target" }),
};

export const KeyResultCreate = z.object(keyResultFields).openapi("KeyResultCreate");
export type KeyResultCreate = z.infer<typeof KeyResultCreate>;

export const KeyResultUpsert = z
  .object({ id: z.uuid().optional().openapi({ description: "An existing key result of the goal; omit to add one" }), ...keyResultFields })
  .openapi("KeyResultUpsert");
export type KeyResultUpsert = z.infer<typeof KeyResultUpsert>;

export const GoalCreate = z
  .object({
    title,
    description: description.optional(),
    level: GoalLevelSchema.optional(),
    status: GoalStatusSchema.optional(),
    owner_id: z.uuid().nullable().optional().openapi({ description: "An active member; defaults to the caller" }),
    team_id: z.uuid().nullable().optional(),
    parent_goal_id: z.uuid().nullable().optional(),
    period: z.string().trim().max(60).nullable().optional().openapi({ example: "Q1 2026" }),
    start_date: dateOnly.optional(),
    due_date: dateOnly.optional(),
    progress: z.number().int().min(0).max(100).optional().openapi({ description: "Only used while the goal has no key results" }),
    key_results: z.array(KeyResultCreate).max(50).optional(),
  })
  .openapi("GoalCreate");
export type GoalCreate = z.infer<typeof GoalCreate>;

export const GoalUpdate = z
  .object({
    goal_id: z.uuid(),
    title: title.optional(),
    description: description.optional(),
    level: GoalLevelSchema.optional(),
    status: GoalStatusSchema.optional(),
    owner_id: z.uuid().nullable().optional(),
    team_id: z.uuid().nullable().optional(),
    parent_goal_id: z.uuid().nullable().optional().openapi({ description: "null makes it a top-level goal" }),
    period: z.string().trim().max(60).nullable().optional(),
    start_date: dateOnly.optional(),
    due_date: dateOnly.optional(),
    progress: z.number().int().min(0).max(100).optional().openapi({ description: "Only used while the goal has no key results" }),
    key_results: z
      .array(KeyResultUpsert)
      .max(50)
      .optional()
      .openapi({ description: "The full new list: entries with id are updated, without id added, missing ones removed" }),
  })
  .openapi("GoalUpdate");
export type GoalUpdate = z.infer<typeof GoalUpdate>;

export const GoalProgressUpdate = z
  .object({
    goal_id: z.uuid(),
    key_results: z
      .array(
        z.object({
          key_result_id: z.uuid(),
          current_value: value.optional(),
          is_completed: z.boolean().optional(),
        }),
      )
      .max(50)
      .optional(),
    progress: z.number().int().min(0).max(100).optional().openapi({ description: "Manual progress of a goal without key results" }),
  })
  .refine((v) => v.key_results !== undefined || v.progress !== undefined, {
    message: "Give key_results or progress",
    path: ["key_results"],
  })
  .openapi("GoalProgressUpdate");
export type GoalProgressUpdate = z.infer<typeof GoalProgressUpdate>;

export const GoalIdParam = z.object({
  goal_id: z.string().openapi({ param: { name: "goal_id", in: "path" } }),
});

const q = (name: string, description: string) => ({ param: { name, in: "query" as const }, description });

export const ListGoalsQuery = z.object({
  level: GoalLevelSchema.optional().openapi(q("level", "company, team or individual")),
  status: GoalStatusSchema.optional().openapi(q("status", "on-track, at-risk, behind or completed")),
  owner_id: z
    .union([z.uuid(), z.literal("me")])
    .optional()
    .openapi(q("owner_id", 'A member id, or "me"')),
  team_id: z.uuid().optional().openapi(q("team_id", "Goals of this team")),
  parent_goal_id: z
    .union([z.uuid(), z.literal("null")])
    .optional()
    .openapi(q("parent_goal_id", 'Children of this goal; "null" lists the top-level goals')),
  skip: z.coerce.number().int().min(0).default(0).openapi(q("skip", "Goals to skip")),
  limit: z.coerce.number().int().min(1).max(200).default(100).openapi(q("limit", "At most 200")),
});
export type ListGoalsQuery = z.infer<typeof ListGoalsQuery>;
