import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { members } from "../../members/tables";
import type { FieldDef } from "../../recordsets/fields";
import { getRecordsetForActor, visibleRecordsetIdsSql } from "../../recordsets/internal";
import { getRecordForActor, memberInfo, toRecordJson } from "../internal";
import { compileRecordQuery, project, selectRecordPage } from "../query";
import type { ListRecordsQuery } from "../schemas";
import { records, recordVersions } from "../tables";

const DEFAULT_LIMIT = 50;

/** skip/limit, or page/page_size (page wins when given). */
export function paging(q: {
  skip?: number | undefined;
  limit?: number | undefined;
  page?: number | undefined;
  page_size?: number | undefined;
}) {
  const limit = q.page_size ?? q.limit ?? DEFAULT_LIMIT;
  const skip = q.page !== undefined ? (q.page - 1) * limit : (q.skip ?? 0);
  return { skip, limit, page: Math.floor(skip / limit) + 1 };
}

/**
 * GET /records (and /crud/records): with recordset_id, needs can_view on it and may filter and
 * sort on its fields; without it, lists every recordset the caller can view (built-in columns only).
 */
export async function listRecords(ctx: ServiceContext, q: Partial<ListRecordsQuery>) {
  const { skip, limit, page } = paging(q);
  let scope: SQL;
  let fields: FieldDef[] | null = null;
  if (q.recordset_id) {
    const { recordset } = await getRecordsetForActor(ctx, q.recordset_id, "can_view");
    scope = eq(records.recordsetId, recordset.id);
    fields = recordset.fields;
  } else {
    scope = sql`${records.recordsetId} in (${visibleRecordsetIdsSql(ctx)})`;
  }
  const compiled = compileRecordQuery(fields, q);
  const rows = await selectRecordPage(ctx.db, scope, compiled, skip, limit);
  let total = rows[0]?.total ?? 0;
  // Past the end there is no row to carry the total.
  if (rows.length === 0 && skip > 0) {
    const [c] = await ctx.db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(records)
      .where(and(scope, ...compiled.conditions));
    total = c?.n ?? 0;
  }
  return {
    items: rows.map(({ total: _t, ...r }) => toRecordJson(r, { fieldValues: project(r.fieldValues, compiled.projection) })),
    total,
    skip,
    limit,
    page,
    page_size: limit,
    has_more: skip + rows.length < total,
  };
}

/** Needs can_view on the record's recordset. */
export async function getRecord(ctx: ServiceContext, recordId: string) {
  const { record } = await getRecordForActor(ctx, recordId, "view");
  return toRecordJson(record);
}

/** Every version, newest first, with who made it and which fields changed from the version before. */
export async function listRecordHistory(ctx: ServiceContext, recordId: string, q: { skip: number; limit: number }) {
  const { record } = await getRecordForActor(ctx, recordId, "view");
  const rows = await ctx.db
    .select({ v: recordVersions, m: members })
    .from(recordVersions)
    .leftJoin(members, eq(members.id, recordVersions.changedByMemberId))
    .where(eq(recordVersions.recordId, record.id))
    .orderBy(desc(recordVersions.version))
    .limit(q.limit + 1)
    .offset(q.skip);
  const [count] = await ctx.db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(recordVersions)
    .where(eq(recordVersions.recordId, record.id));
  const items = rows.slice(0, q.limit).map(({ v, m }, i) => {
    const prev = rows[i + 1]?.v;
    const before = prev?.fieldValues ?? {};
    const changed =
      v.version === 1
        ? Object.keys(v.fieldValues)
        : [...new Set([...Object.keys(before), ...Object.keys(v.fieldValues)])].filter(
            (k) => JSON.stringify(before[k]) !== JSON.stringify(v.fieldValues[k]),
          );
    return {
      id: v.id,
      record_id: v.recordId,
      version: v.version,
      change_type: v.changeType,
      restored_from_version: v.restoredFromVersion,
      field_values: v.fieldValues,
      // Without the previous version on this page, the diff is unknown; say nothing rather than guess.
      changed_fields: prev || v.version === 1 ? changed : [],
      status: v.status,
      tags: v.tags,
      changed_by_member_id: v.changedByMemberId,
      changed_by: memberInfo(m),
      created_at: v.createdAt.toISOString(),
    };
  });
  return { items, total: count?.n ?? 0 };
}
