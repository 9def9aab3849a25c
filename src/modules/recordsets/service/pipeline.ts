import { and, eq, ne, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { isUniqueViolation } from "../../../platform/db";
import { type FieldIssue, ServiceError } from "../../../platform/errors";
import { recordActivity } from "../../activity/service";
import { currentMember } from "../../members/service";
import { records } from "../../records/tables";
import { getRecordsetForActor, type RecordsetRow } from "../internal";
import type { PipelineCreate } from "../schemas";
import { recordsetPipelines } from "../tables";

type PipelineRow = typeof recordsetPipelines.$inferSelect;

/**
 * A pipeline as served: its stages are the stage field's options as they are now (in option
 * order), with the stored display settings of each, and the count of (not deleted) records in it.
 */
async function toPipeline(ctx: ServiceContext, rs: RecordsetRow, p: PipelineRow) {
  const field = rs.fields.find((f) => f.key === p.stageField);
  const counts = await ctx.db
    .select({ stage: sql<string | null>`${records.fieldValues} ->> ${p.stageField}::text`, n: sql<number>`count(*)::int` })
    .from(records)
    .where(and(eq(records.recordsetId, rs.id), ne(records.status, "deleted")))
    .groupBy(sql`1`);
  const byStage = new Map(counts.map((c) => [c.stage, Number(c.n)]));
  const meta = new Map(p.stages.map((s) => [s.key, s]));
  const stages = (field?.options ?? []).map((key) => {
    const m = meta.get(key);
    return {
      key,
      name: m?.name ?? key,
      ...(m?.color !== undefined ? { color: m.color } : {}),
      ...(m?.probability !== undefined ? { probability: m.probability } : {}),
      record_count: byStage.get(key) ?? 0,
    };
  });
  return {
    id: p.id,
    recordset_id: p.recordsetId,
    name: p.name,
    stage_field: p.stageField,
    stages,
    unstaged_count: byStage.get(null) ?? 0,
    created_by_member_id: p.createdByMemberId,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

export async function getPipeline(ctx: ServiceContext, recordsetId: string) {
  const { recordset } = await getRecordsetForActor(ctx, recordsetId, "can_view");
  const [p] = await ctx.db.select().from(recordsetPipelines).where(eq(recordsetPipelines.recordsetId, recordset.id)).limit(1);
  if (!p) throw new ServiceError("not_found", "This recordset has no pipeline");
  return toPipeline(ctx, recordset, p);
}

/** One pipeline per recordset (409 when it has one); is_admin; stage_field must be a select field. */
export async function createPipeline(ctx: ServiceContext, recordsetId: string, input: PipelineCreate) {
  const { recordset } = await getRecordsetForActor(ctx, recordsetId, "is_admin");
  const issues: FieldIssue[] = [];
  const field = recordset.fields.find((f) => f.key === input.stage_field);
  if (field?.type !== "select") {
    const selects = recordset.fields.filter((f) => f.type === "select").map((f) => f.key);
    issues.push({
      loc: ["body", "stage_field"],
      msg: `'${input.stage_field}' is not a select field of this recordset (select fields: ${selects.join(", ") || "none"})`,
      type: "value_error",
    });
  }
  const options = new Set(field?.options ?? []);
  input.stages?.forEach((s, i) => {
    if (field && !options.has(s.key))
      issues.push({ loc: ["body", "stages", i, "key"], msg: `'${s.key}' is not an option of ${field.key}`, type: "value_error" });
  });
  if (issues.length) throw new ServiceError("validation_error", issues.map((i) => i.msg).join("; "), { issues });
  const me = await currentMember(ctx);
  let row: PipelineRow | undefined;
  try {
    [row] = await ctx.db
      .insert(recordsetPipelines)
      .values({
        recordsetId: recordset.id,
        name: input.name ?? recordset.name,
        stageField: input.stage_field,
        stages: (input.stages ?? []).map((s) => ({
          key: s.key,
          name: s.name ?? s.key,
          ...(s.color !== undefined ? { color: s.color } : {}),
          ...(s.probability !== undefined ? { probability: s.probability } : {}),
        })),
        createdByMemberId: me.id,
      })
      .returning();
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServiceError("conflict", "This recordset already has a pipeline");
    throw e;
  }
  if (!row) throw new ServiceError("internal_error", "Pipeline was not created");
  await recordActivity(ctx, {
    type: "recordset.pipeline_created",
    subjectType: "recordset",
    subjectId: recordset.id,
    summary: "Created a pipeline",
    data: { recordset_id: recordset.id, stage_field: input.stage_field },
  });
  return toPipeline(ctx, recordset, row);
}
