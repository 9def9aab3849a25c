import { and, eq, isNull } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { freeSlug, slugify } from "../../../platform/slugs";
import { recordActivity } from "../../activity/service";
import { currentMember } from "../../members/service/records";
import type { FieldDef } from "../../recordsets/fields";
import { recordsets } from "../../recordsets/tables";
import type { EntityColumn } from "../catalogue";
import { defOf, getIntegrationOrThrow } from "../internal";
import { requireManage } from "./access";

const RESERVED = new Set(["trash", "new", "search", "count", "stream", "import", "imports"]);

const fieldType = (c: EntityColumn): FieldDef["type"] =>
  c.type === "INTEGER" || c.type === "NUMERIC" ? "number" : c.type === "BOOLEAN" ? "boolean" : c.type === "TIMESTAMP" ? "date" : "text";

/**
 * One virtual recordset per entity of the integration (is_integration, staging_table = the
 * entity's table): no rows are copied, integration-records reads staged_rows through it. An
 * existing live one for the same table is updated (name, fields) instead of duplicated.
 */
export async function createIntegrationRecordsets(ctx: ServiceContext, id: string) {
  await requireManage(ctx);
  const row = await getIntegrationOrThrow(ctx, id);
  const d = defOf(row);
  const me = await currentMember(ctx);
  // All or nothing: a failure part-way leaves no half-made set of recordsets.
  const out = await ctx.db.transaction(async (tx) => {
    const out = [];
    for (const e of d.entities) {
      const name = `${d.name} ${e.display_name}`;
      const fields: FieldDef[] = e.columns.map((c) => ({
        key: c.name,
        name: c.name,
        type: fieldType(c),
        ...(c.primary_key ? { is_primary: true } : {}),
      }));
      const [existing] = await tx
        .select()
        .from(recordsets)
        .where(and(eq(recordsets.isIntegration, true), eq(recordsets.stagingTable, e.table_name), isNull(recordsets.deletedAt)))
        .limit(1);
      if (existing) {
        await tx.update(recordsets).set({ name, fields }).where(eq(recordsets.id, existing.id));
        out.push({ id: existing.id, slug: existing.slug, name, staging_table: e.table_name, entity: e.name, created: false });
        continue;
      }
      const slug = await freeSlug(tx, recordsets, recordsets.slug, slugify(e.table_name.replace(/_/g, "-"), "integration"), RESERVED);
      const [created] = await tx
        .insert(recordsets)
        .values({
          slug,
          name,
          description: `${d.name} ${e.display_name.toLowerCase()}, synced (read-only)`,
          type: "integration",
          fields,
          settings: { integration_id: row.id, entity: e.name },
          isIntegration: true,
          stagingTable: e.table_name,
          createdByMemberId: me.id,
        })
        .returning();
      if (!created) continue;
      out.push({ id: created.id, slug: created.slug, name, staging_table: e.table_name, entity: e.name, created: true });
    }
    return out;
  });
  await recordActivity(ctx, {
    type: "integration.recordsets_created",
    subjectType: "integration",
    subjectId: row.id,
    summary: `Made ${out.length} recordsets for ${d.name}`,
    data: { integration_id: row.id, recordsets: out.map((r) => r.id) },
  });
  return { integration_id: row.id, recordsets: out };
}
