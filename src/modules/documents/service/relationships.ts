import { and, asc, eq, or } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { isUuid } from "../../../platform/ids";
import { getDocumentForActor } from "../access";
import type { RelationshipsCreate } from "../schemas";
import { documentRelationships } from "../tables";
import type { EntityRef, EntityType } from "./entities";
import { visibleEntityNames } from "./entities";
import { visibleTarget } from "./links";

type RelationshipRow = typeof documentRelationships.$inferSelect;

/** Saved relationships a document may have at most. */
export const MAX_RELATIONSHIPS = 500;

function toRelationship(r: RelationshipRow, ref: EntityRef | undefined) {
  return {
    id: r.id,
    document_id: r.documentId,
    target_type: r.targetType as EntityType,
    target_id: r.targetId,
    relationship_type: r.relationshipType,
    confidence: r.confidence,
    reason: r.reason,
    source: r.source,
    target_name: ref?.name ?? null,
    target_url: ref?.url ?? null,
    accessible: ref !== undefined,
    created_by_member_id: r.createdByMemberId,
    created_at: r.createdAt.toISOString(),
  };
}

async function withNames(ctx: ServiceContext, rows: RelationshipRow[]) {
  const names = await visibleEntityNames(
    ctx,
    rows.map((r) => ({ type: r.targetType as EntityType, id: r.targetId })),
  );
  return rows.map((r) => toRelationship(r, names.get(`${r.targetType}:${r.targetId}`)));
}

/** Whoever sees the document; target names only where the caller may see the target. */
export async function listDocumentRelationships(ctx: ServiceContext, documentId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "view");
  const rows = await ctx.db
    .select()
    .from(documentRelationships)
    .where(eq(documentRelationships.documentId, document.id))
    .orderBy(asc(documentRelationships.createdAt), asc(documentRelationships.id))
    .limit(MAX_RELATIONSHIPS);
  return withNames(ctx, rows);
}

/**
 * Saves several relationships at once (typically reviewed AI suggestions): the edit rule on the
 * document, and every target must exist and be visible to the caller (else 422 naming it, and
 * nothing is saved). A relationship saved before is returned as it is, not duplicated.
 */
export async function saveDocumentRelationships(ctx: ServiceContext, documentId: string, input: RelationshipsCreate) {
  const { document, memberId } = await getDocumentForActor(ctx, documentId, "edit");
  for (const [i, r] of input.relationships.entries()) {
    if (r.target_type === "document" && r.target_id.toLowerCase() === document.id) {
      throw new ServiceError("validation_error", "A document cannot be related to itself", {
        issues: [{ loc: ["body", "relationships", i, "target_id"], msg: "A document cannot be related to itself", type: "value_error" }],
      });
    }
    await visibleTarget(ctx, r.target_type, r.target_id, ["relationships", i, "target_id"]);
  }
  const existing = await ctx.db.$count(documentRelationships, eq(documentRelationships.documentId, document.id));
  if (existing + input.relationships.length > MAX_RELATIONSHIPS) {
    throw new ServiceError("conflict", `A document can have at most ${MAX_RELATIONSHIPS} saved relationships`);
  }
  const values = input.relationships.map((r) => ({
    documentId: document.id,
    targetType: r.target_type,
    targetId: r.target_id.toLowerCase(),
    relationshipType: r.relationship_type,
    confidence: r.confidence ?? null,
    reason: r.reason ?? null,
    source: r.source,
    createdByMemberId: memberId,
  }));
  await ctx.db.insert(documentRelationships).values(values).onConflictDoNothing();
  const rows = await ctx.db
    .select()
    .from(documentRelationships)
    .where(
      and(
        eq(documentRelationships.documentId, document.id),
        or(
          ...values.map((v) =>
            and(
              eq(documentRelationships.targetType, v.targetType),
              eq(documentRelationships.targetId, v.targetId),
              eq(documentRelationships.relationshipType, v.relationshipType),
            ),
          ),
        ),
      ),
    )
    .orderBy(asc(documentRelationships.createdAt), asc(documentRelationships.id));
  return { relationships: await withNames(ctx, rows), count: rows.length };
}

/** The edit rule on the document. */
export async function deleteDocumentRelationship(ctx: ServiceContext, documentId: string, relationshipId: string) {
  const { document } = await getDocumentForActor(ctx, documentId, "edit");
  const [gone] = isUuid(relationshipId)
    ? await ctx.db
        .delete(documentRelationships)
        .where(and(eq(documentRelationships.id, relationshipId), eq(documentRelationships.documentId, document.id)))
        .returning({ id: documentRelationships.id })
    : [];
  if (!gone) throw new ServiceError("not_found", "Relationship not found");
}
