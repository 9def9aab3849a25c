import { and, asc, count, desc, eq, or, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../platform/context";
import { invalidField, ServiceError } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { getRecordsetForActor, type RecordsetRow } from "../recordsets/internal";
import type { ListIntegrationRecordsQuery } from "./schemas";
import { stagedRows } from "./tables";

type StagedRow = typeof stagedRows.$inferSelect;

/** Staging table names are identifiers of the integration, e.g. shopify_products. */
const STAGING_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * An integration recordset the caller can view: 404 for missing, trashed, invisible and
 * ordinary (non-integration) recordsets alike.
 */
async function integrationRecordset(ctx: ServiceContext, slugOrId: string): Promise<RecordsetRow & { stagingTable: string }> {
  const { recordset } = await getRecordsetForActor(ctx, slugOrId, "can_view");
  const table = recordset.stagingTable;
  if (!recordset.isIntegration || !table || !STAGING_NAME.test(table)) {
    throw new ServiceError("not_found", "Integration recordset not found");
  }
  return { ...recordset, stagingTable: table };
}

function toIntegrationRecord(recordsetId: string, r: StagedRow) {
  return {
    id: r.id,
    recordset_id: recordsetId,
    source: r.source,
    external_id: r.externalId,
    field_values: r.data,
    synced_at: r.syncedAt.toISOString(),
    created_at: r.createdAt.toISOString(),
  };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The sort column: a known staging column or a field key of the recordset (compared as jsonb). */
function sortExpression(rs: RecordsetRow, sortBy: string): SQL {
  if (sortBy === "synced_at") return sql`${stagedRows.syncedAt}`;
  if (sortBy === "created_at") return sql`${stagedRows.createdAt}`;
  if (sortBy === "external_id") return sql`${stagedRows.externalId}`;
  const field = rs.fields.find((f) => f.key === sortBy);
  if (!field) {
    const known = ["synced_at", "created_at", "external_id", ...rs.fields.map((f) => f.key)];
    throw invalidField(["query", "sort_by"], `Unknown sort field ${sortBy}; use one of: ${known.join(", ")}`);
  }
  // The key is a bound parameter; jsonb ordering compares numbers as numbers and strings as text.
  return sql`(${stagedRows.data} -> ${field.key}::text)`;
}

/** Rows of the recordset's staging table: search, sort, page. */
export async function listIntegrationRecords(ctx: ServiceContext, slug: string, q: ListIntegrationRecordsQuery) {
  const rs = await integrationRecordset(ctx, slug);
  const order = sortExpression(rs, q.sort_by);
  const where: SQL[] = [eq(stagedRows.source, rs.stagingTable)];
  if (q.search) {
    const p = `%${escapeLike(q.search)}%`;
    // Values only (not keys), top level; nested objects match on their JSON text.
    where.push(sql`exists (select 1 from jsonb_each_text(${stagedRows.data}) as kv where kv.value ilike ${p})`);
  }
  const cond = and(...where);
  const dir = q.sort_order === "asc" ? sql`asc nulls last` : sql`desc nulls last`;
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(stagedRows)
      .where(cond)
      .orderBy(sql`${order} ${dir}`, q.sort_order === "asc" ? asc(stagedRows.id) : desc(stagedRows.id))
      .offset((q.page - 1) * q.page_size)
      .limit(q.page_size),
    ctx.db.select({ n: count() }).from(stagedRows).where(cond),
  ]);
  return {
    items: rows.map((r) => toIntegrationRecord(rs.id, r)),
    total: total?.n ?? 0,
    page: q.page,
    page_size: q.page_size,
    recordset_id: rs.id,
    recordset_slug: rs.slug,
    staging_table: rs.stagingTable,
  };
}

export async function countIntegrationRecords(ctx: ServiceContext, slug: string) {
  const rs = await integrationRecordset(ctx, slug);
  const n = await ctx.db.$count(stagedRows, eq(stagedRows.source, rs.stagingTable));
  return { recordset_id: rs.id, recordset_slug: rs.slug, staging_table: rs.stagingTable, count: n };
}

/** One row, by its id or by the integration's external id. */
export async function getIntegrationRecord(ctx: ServiceContext, slug: string, recordId: string) {
  const rs = await integrationRecordset(ctx, slug);
  const match = isUuid(recordId)
    ? or(eq(stagedRows.id, recordId), eq(stagedRows.externalId, recordId))
    : eq(stagedRows.externalId, recordId);
  const rows = await ctx.db
    .select()
    .from(stagedRows)
    .where(and(eq(stagedRows.source, rs.stagingTable), match))
    .limit(2);
  const row = rows.find((r) => r.id === recordId) ?? rows[0];
  if (!row) throw new ServiceError("not_found", "Record not found");
  return toIntegrationRecord(rs.id, row);
}
