import { sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { getRecordsetForActor } from "../../recordsets/internal";

const DAY = 86_400_000;
const n = (v: unknown) => Number(v ?? 0);
const date = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
/** A {key: count} map from grouped rows. */
const tally = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((r) => [String(r.k), n(r.n)]));

/**
 * Metrics of one recordset (id or slug), computed live: records by status, how recently and how
 * often they were contacted, open/overdue tasks and insights. Only live records count (not
 * deleted); the reference time is one `now` for every figure. Needs can_view.
 */
export async function getTrackingDashboard(ctx: ServiceContext, recordsetIdOrSlug: string) {
  const { recordset } = await getRecordsetForActor(ctx, recordsetIdOrSlug, "can_view");
  const rs = recordset.id;
  const now = new Date();
  const d7 = new Date(now.getTime() - 7 * DAY);
  const d30 = new Date(now.getTime() - 30 * DAY);
  const in7 = new Date(now.getTime() + 7 * DAY);
  // Tracking rows of deleted records do not count: every figure joins the live records.
  const live = sql`select r.id from records r where r.recordset_id = ${rs} and r.status <> 'deleted' and r.deleted_at is null`;

  const byStatus = await ctx.db.execute(sql`
    select r.status as k, count(*)::int as n from records r
    where r.recordset_id = ${rs} and r.status <> 'deleted' and r.deleted_at is null group by r.status`);
  const [contact] = (
    await ctx.db.execute(sql`
    select
      count(*) filter (where last is null or last < ${d30})::int as stale,
      count(*) filter (where last is null)::int as never
    from (
      select (select max(i.occurred_at) from record_interactions i where i.record_id = r.id) as last
      from records r where r.recordset_id = ${rs} and r.status = 'active' and r.deleted_at is null
    ) x`)
  ).rows;
  const [inter] = (
    await ctx.db.execute(sql`
    select count(*)::int as total,
      count(*) filter (where i.occurred_at >= ${d7} and i.occurred_at <= ${now})::int as d7,
      count(*) filter (where i.occurred_at >= ${d30} and i.occurred_at <= ${now})::int as d30,
      max(i.occurred_at) as last
    from record_interactions i where i.recordset_id = ${rs} and i.record_id in (${live})`)
  ).rows;
  const interByType = await ctx.db.execute(sql`
    select i.type as k, count(*)::int as n from record_interactions i
    where i.recordset_id = ${rs} and i.record_id in (${live}) and i.occurred_at >= ${d30} and i.occurred_at <= ${now}
    group by i.type`);
  const [task] = (
    await ctx.db.execute(sql`
    select count(*)::int as total,
      count(*) filter (where t.status in ('todo', 'in_progress'))::int as open,
      count(*) filter (where t.status in ('todo', 'in_progress') and t.due_at < ${now})::int as overdue,
      count(*) filter (where t.status in ('todo', 'in_progress') and t.due_at >= ${now} and t.due_at < ${in7})::int as due7,
      count(*) filter (where t.status = 'completed' and t.completed_at >= ${d30})::int as done30
    from record_tasks t where t.recordset_id = ${rs} and t.record_id in (${live})`)
  ).rows;
  const taskByStatus = await ctx.db.execute(sql`
    select t.status as k, count(*)::int as n from record_tasks t
    where t.recordset_id = ${rs} and t.record_id in (${live}) group by t.status`);
  const insightByStatus = tally(
    (
      await ctx.db.execute(sql`
    select s.status as k, count(*)::int as n from record_insights s
    where s.recordset_id = ${rs} and s.record_id in (${live}) group by s.status`)
    ).rows,
  );
  const insightByPriority = await ctx.db.execute(sql`
    select s.priority as k, count(*)::int as n from record_insights s
    where s.recordset_id = ${rs} and s.record_id in (${live}) and s.status = 'active' group by s.priority`);
  const stale = await ctx.db.execute(sql`
    select x.id, x.title, x.last from (
      select r.id, r.title, r.created_at,
        (select max(i.occurred_at) from record_interactions i where i.record_id = r.id) as last
      from records r where r.recordset_id = ${rs} and r.status = 'active' and r.deleted_at is null
    ) x order by x.last asc nulls first, x.created_at asc, x.id asc limit 10`);

  const recordsByStatus = tally(byStatus.rows);
  return {
    recordset_id: rs,
    recordset_slug: recordset.slug,
    generated_at: now.toISOString(),
    records: {
      total: Object.values(recordsByStatus).reduce((a, b) => a + b, 0),
      by_status: recordsByStatus,
      without_interaction_30d: n(contact?.stale),
      never_contacted: n(contact?.never),
    },
    interactions: {
      total: n(inter?.total),
      last_7_days: n(inter?.d7),
      last_30_days: n(inter?.d30),
      by_type: tally(interByType.rows),
      last_interaction_at: date(inter?.last),
    },
    tasks: {
      total: n(task?.total),
      open: n(task?.open),
      overdue: n(task?.overdue),
      due_next_7_days: n(task?.due7),
      completed_last_30_days: n(task?.done30),
      by_status: tally(taskByStatus.rows),
    },
    insights: {
      active: insightByStatus.active ?? 0,
      dismissed: insightByStatus.dismissed ?? 0,
      actioned: insightByStatus.actioned ?? 0,
      active_by_priority: tally(insightByPriority.rows),
    },
    stale_records: stale.rows.map((r) => ({
      id: String(r.id),
      title: (r.title as string | null) ?? null,
      last_interaction_at: date(r.last),
    })),
  };
}
