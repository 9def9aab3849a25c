import { and, asc, eq, ne, or, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { isUniqueViolation } from "../../../platform/db";
import { ServiceError } from "../../../platform/errors";
import { recordActivity } from "../../activity/service";
import { members } from "../../members/tables";
import { visibleRecordsetIdsSql } from "../../recordsets/internal";
import { getRecordForActor, memberInfo } from "../internal";
import type { CommentCreate, RelationshipCreate } from "../schemas";
import { recordComments, recordRelationships, records } from "../tables";

type CommentRow = typeof recordComments.$inferSelect;
type MemberRow = typeof members.$inferSelect;

function toComment(c: CommentRow, m: MemberRow | null) {
  return {
    id: c.id,
    record_id: c.recordId,
    parent_id: c.parentId,
    content: c.content,
    member_id: c.memberId,
    member: memberInfo(m),
    edited_at: c.editedAt ? c.editedAt.toISOString() : null,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

/** Oldest first; whoever can view the record. */
export async function listRecordComments(ctx: ServiceContext, recordId: string) {
  const { record } = await getRecordForActor(ctx, recordId, "view");
  const rows = await ctx.db
    .select({ c: recordComments, m: members })
    .from(recordComments)
    .leftJoin(members, eq(members.id, recordComments.memberId))
    .where(eq(recordComments.recordId, record.id))
    .orderBy(asc(recordComments.createdAt), asc(recordComments.id))
    .limit(1000);
  return rows.map((r) => toComment(r.c, r.m));
}

/** Whoever can view the record may comment; parent_id must be a comment on the same record. */
export async function createRecordComment(ctx: ServiceContext, recordId: string, input: CommentCreate) {
  const { record, memberId } = await getRecordForActor(ctx, recordId, "view");
  if (input.parent_id) {
    const [parent] = await ctx.db
      .select({ id: recordComments.id })
      .from(recordComments)
      .where(and(eq(recordComments.id, input.parent_id), eq(recordComments.recordId, record.id)));
    if (!parent) {
      throw new ServiceError("validation_error", "parent_id is not a comment on this record", {
        issues: [{ loc: ["body", "parent_id"], msg: "Not a comment on this record", type: "value_error" }],
      });
    }
  }
  const [c] = await ctx.db
    .insert(recordComments)
    .values({ recordId: record.id, memberId, parentId: input.parent_id ?? null, content: input.content })
    .returning();
  const [m] = await ctx.db.select().from(members).where(eq(members.id, memberId));
  await recordActivity(ctx, {
    type: "record.commented",
    subjectType: "record",
    subjectId: record.id,
    summary: `Commented on ${record.title ?? "a record"}`,
    data: { comment_id: c!.id, recordset_id: record.recordsetId },
  });
  return toComment(c!, m ?? null);
}

type RelRow = typeof recordRelationships.$inferSelect;

function toRelationship(rel: RelRow, thisId: string, other: { id: string; recordsetId: string; title: string | null }) {
  return {
    id: rel.id,
    source_record_id: rel.sourceRecordId,
    target_record_id: rel.targetRecordId,
    relationship_type: rel.relationshipType,
    direction: rel.sourceRecordId === thisId ? ("outgoing" as const) : ("incoming" as const),
    related_record: { id: other.id, recordset_id: other.recordsetId, title: other.title },
    data: rel.data,
    created_by_member_id: rel.createdByMemberId,
    created_at: rel.createdAt.toISOString(),
  };
}

/**
 * Both directions (this record as source: outgoing; as target: incoming). Related records that
 * are deleted or in recordsets the caller cannot view are left out.
 */
export async function listRecordRelationships(ctx: ServiceContext, recordId: string) {
  const { record } = await getRecordForActor(ctx, recordId, "view");
  const other = sql`case when ${recordRelationships.sourceRecordId} = ${record.id} then ${recordRelationships.targetRecordId} else ${recordRelationships.sourceRecordId} end`;
  const rows = await ctx.db
    .select({ rel: recordRelationships, other: { id: records.id, recordsetId: records.recordsetId, title: records.title } })
    .from(recordRelationships)
    .innerJoin(records, eq(records.id, other))
    .where(
      and(
        or(eq(recordRelationships.sourceRecordId, record.id), eq(recordRelationships.targetRecordId, record.id)),
        ne(records.status, "deleted"),
        sql`${records.recordsetId} in (${visibleRecordsetIdsSql(ctx)})`,
      ),
    )
    .orderBy(asc(recordRelationships.createdAt))
    .limit(1000);
  return rows.map((r) => toRelationship(r.rel, record.id, r.other));
}

/** Needs the edit rule on this record and view on the target (an invisible target is a 422). */
export async function createRecordRelationship(ctx: ServiceContext, recordId: string, input: RelationshipCreate) {
  const { record, memberId } = await getRecordForActor(ctx, recordId, "edit");
  const targetIssue = (msg: string) =>
    new ServiceError("validation_error", msg, { issues: [{ loc: ["body", "target_record_id"], msg, type: "value_error" }] });
  if (input.target_record_id === record.id) throw targetIssue("A record cannot be related to itself");
  const target = await getRecordForActor(ctx, input.target_record_id, "view").catch((e) => {
    if (e instanceof ServiceError && e.code === "not_found") throw targetIssue("Target record not found");
    throw e;
  });
  try {
    const [rel] = await ctx.db
      .insert(recordRelationships)
      .values({
        sourceRecordId: record.id,
        targetRecordId: target.record.id,
        relationshipType: input.relationship_type,
        data: input.data,
        createdByMemberId: memberId,
      })
      .returning();
    await recordActivity(ctx, {
      type: "record.related",
      subjectType: "record",
      subjectId: record.id,
      summary: `Related ${record.title ?? "a record"} to ${target.record.title ?? "a record"} (${input.relationship_type})`,
      data: { target_record_id: target.record.id, relationship_type: input.relationship_type },
    });
    return toRelationship(rel!, record.id, target.record);
  } catch (e) {
    if (isUniqueViolation(e)) throw new ServiceError("conflict", "These records already have this relationship");
    throw e;
  }
}
