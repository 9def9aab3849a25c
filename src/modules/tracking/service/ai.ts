import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { extract } from "../../../platform/ai";
import type { ServiceContext } from "../../../platform/context";
import { recordActivity } from "../../activity/service";
import { requirePermission } from "../../permissions/service";
import { getRecordForActor, type RecordRow } from "../../records/internal";
import { getRecordsetForActor, type RecordsetRow } from "../../recordsets/internal";
import { toInsight } from "../internal";
import type { AnalysisRequest, DraftMessageRequest, FollowUpsRequest, GenerateInsightsRequest } from "../schemas";
import { INSIGHT_TYPES, INTERACTION_TYPES, recordInsights, recordInteractions, recordTasks, TRACKING_PRIORITIES } from "../tables";

// The AI endpoints send the record as context to the gateway's extract() (JSON Schema answers,
// validated, one repair retry, credits checked first and nothing charged on failure).

const DAY = 86_400_000;
/** Context sent to the model is bounded: each value and the whole text are cut. */
const MAX_VALUE = 500;
const MAX_CONTEXT = 16_000;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
const show = (v: unknown) => clip(typeof v === "string" ? v : JSON.stringify(v), MAX_VALUE);

function meta(r: { model: string; usage: { promptTokens: number; completionTokens: number }; credits: number }) {
  return {
    model: r.model,
    usage: { prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens },
    credits: r.credits,
    generated_at: new Date().toISOString(),
  };
}

/** The record as text: its fields, recent timeline, open tasks and active insights. */
async function recordContext(ctx: ServiceContext, record: RecordRow, recordset: RecordsetRow): Promise<string> {
  const [interactions, tasks, insights] = await Promise.all([
    ctx.db
      .select()
      .from(recordInteractions)
      .where(eq(recordInteractions.recordId, record.id))
      .orderBy(desc(recordInteractions.occurredAt))
      .limit(20),
    ctx.db
      .select()
      .from(recordTasks)
      .where(and(eq(recordTasks.recordId, record.id), inArray(recordTasks.status, ["todo", "in_progress"])))
      .orderBy(desc(recordTasks.createdAt))
      .limit(20),
    ctx.db
      .select()
      .from(recordInsights)
      .where(and(eq(recordInsights.recordId, record.id), eq(recordInsights.status, "active")))
      .orderBy(desc(recordInsights.createdAt))
      .limit(10),
  ]);
  const now = Date.now();
  const lines: string[] = [
    `Record in "${recordset.name}" (${recordset.type}): ${record.title ?? "(untitled)"}`,
    `Status: ${record.status}${record.tags.length ? `; tags: ${record.tags.join(", ")}` : ""}; created ${record.createdAt.toISOString().slice(0, 10)}`,
    "Fields:",
  ];
  const known = new Set<string>();
  for (const f of recordset.fields) {
    known.add(f.key);
    const v = record.fieldValues[f.key];
    if (v !== undefined && v !== null && v !== "") lines.push(`- ${f.name}: ${show(v)}`);
  }
  for (const [k, v] of Object.entries(record.fieldValues)) if (!known.has(k) && v !== null && v !== "") lines.push(`- ${k}: ${show(v)}`);
  lines.push(interactions.length ? "Recent interactions (newest first):" : "No interactions logged.");
  for (const i of interactions) {
    const what = [i.subject, i.summary, i.outcome && `outcome: ${i.outcome}`].filter(Boolean).join(" — ");
    lines.push(`- ${i.occurredAt.toISOString().slice(0, 10)} ${i.type}${i.direction ? ` (${i.direction})` : ""}: ${clip(what, MAX_VALUE)}`);
  }
  if (tasks.length) lines.push("Open tasks:");
  for (const t of tasks) {
    const due = t.dueAt ? ` due ${t.dueAt.toISOString().slice(0, 10)}${t.dueAt.getTime() < now ? " (OVERDUE)" : ""}` : "";
    lines.push(`- [${t.priority}] ${clip(t.title, 200)}${due}`);
  }
  if (insights.length) lines.push("Current insights:");
  for (const s of insights) lines.push(`- ${s.type} [${s.priority}]: ${clip(s.title, 200)}`);
  const last = interactions[0]?.occurredAt;
  lines.push(last ? `Days since last interaction: ${Math.floor((now - last.getTime()) / DAY)}` : "Never contacted.");
  lines.push(`Today: ${new Date(now).toISOString().slice(0, 10)}`);
  return clip(lines.join("\n"), MAX_CONTEXT);
}

const strings = { type: "array", items: { type: "string" } };
const ANALYSIS_SCHEMA = {
  type: "object",
  properties: {
    summary: { type: "string" },
    health: { type: "string", enum: ["good", "fair", "at_risk", "unknown"] },
    sentiment: { type: "string", enum: ["positive", "neutral", "negative", "unknown"] },
    key_points: strings,
    risks: strings,
    opportunities: strings,
    recommended_actions: strings,
  },
  required: ["summary", "health", "sentiment", "key_points", "risks", "opportunities", "recommended_actions"],
  additionalProperties: false,
};
type Analysis = {
  summary: string;
  health: "good" | "fair" | "at_risk" | "unknown";
  sentiment: "positive" | "neutral" | "negative" | "unknown";
  key_points: string[];
  risks: string[];
  opportunities: string[];
  recommended_actions: string[];
};

/** An analysis of the record (not stored). Needs view access and can_use_ai. */
export async function analyzeRecord(ctx: ServiceContext, recordId: string, input: AnalysisRequest) {
  const { record, recordset } = await getRecordForActor(ctx, recordId, "view");
  await requirePermission(ctx, "can_use_ai");
  const r = await extract<Analysis>(ctx, {
    operation: "record_analysis",
    schema: ANALYSIS_SCHEMA,
    instructions:
      "You are a CRM analyst. Analyse the record: a short summary, the relationship's health and sentiment, key points, " +
      "risks, opportunities and concrete next actions. Base everything on the record; do not invent facts." +
      (input.focus ? `\nFocus on: ${input.focus}` : ""),
    text: await recordContext(ctx, record, recordset),
  });
  return { record_id: record.id, analysis: r.data, ...meta(r) };
}

const DRAFT_SCHEMA = {
  type: "object",
  properties: { subject: { type: "string" }, body: { type: "string" } },
  required: ["subject", "body"],
  additionalProperties: false,
};

/** A message draft about the record (not sent, not stored). Needs view access and can_use_ai. */
export async function draftMessage(ctx: ServiceContext, recordId: string, input: DraftMessageRequest) {
  const { record, recordset } = await getRecordForActor(ctx, recordId, "view");
  await requirePermission(ctx, "can_use_ai");
  const channel = input.channel ?? "email";
  const r = await extract<{ subject: string; body: string }>(ctx, {
    operation: "record_draft_message",
    schema: DRAFT_SCHEMA,
    instructions: [
      `Write a ${input.tone ?? "friendly"} ${channel} message about this record for the user to send.`,
      `Purpose: ${input.purpose ?? "a follow-up that moves the relationship forward"}.`,
      input.recipient_name ? `Recipient: ${input.recipient_name}.` : "",
      channel === "email" ? "Give a subject line." : 'The subject is "" (not an email).',
      channel === "sms" ? "Keep the body under 320 characters." : "",
      input.instructions ? `Also: ${input.instructions}` : "",
      "Use only facts from the record; leave placeholders like [date] for anything unknown.",
    ]
      .filter(Boolean)
      .join("\n"),
    text: await recordContext(ctx, record, recordset),
  });
  return { record_id: record.id, channel, subject: channel === "email" ? r.data.subject || null : null, body: r.data.body, ...meta(r) };
}

const insightsSchema = (max: number) => ({
  type: "object",
  properties: {
    insights: {
      type: "array",
      maxItems: max,
      items: {
        type: "object",
        properties: {
          type: { type: "string", enum: [...INSIGHT_TYPES] },
          title: { type: "string", minLength: 1, maxLength: 300 },
          body: { type: "string", maxLength: 4000 },
          priority: { type: "string", enum: [...TRACKING_PRIORITIES] },
        },
        required: ["type", "title", "body", "priority"],
        additionalProperties: false,
      },
    },
  },
  required: ["insights"],
  additionalProperties: false,
});
type GeneratedInsight = {
  type: (typeof INSIGHT_TYPES)[number];
  title: string;
  body: string;
  priority: (typeof TRACKING_PRIORITIES)[number];
};

/**
 * Asks the model for insights and stores them (source ai, status active). Needs edit access
 * and can_use_ai; when the model fails, nothing is stored (and nothing charged).
 */
export async function generateInsights(ctx: ServiceContext, recordId: string, input: GenerateInsightsRequest) {
  const { record, recordset, memberId } = await getRecordForActor(ctx, recordId, "edit");
  await requirePermission(ctx, "can_use_ai");
  const max = input.max_insights ?? 5;
  const r = await extract<{ insights: GeneratedInsight[] }>(ctx, {
    operation: "record_generate_insights",
    schema: insightsSchema(max),
    instructions:
      `You are a CRM analyst. Give at most ${max} new, specific insights about this record: risks, opportunities, ` +
      "follow-ups, trends. Do not repeat the current insights. Each has a short title and a body explaining why." +
      (input.focus ? `\nFocus on: ${input.focus}` : ""),
    text: await recordContext(ctx, record, recordset),
  });
  const items = r.data.insights.slice(0, max);
  const rows = items.length
    ? await ctx.db
        .insert(recordInsights)
        .values(
          items.map((i) => ({
            recordId: record.id,
            recordsetId: record.recordsetId,
            type: i.type,
            title: clip(i.title, 300),
            body: i.body,
            priority: i.priority,
            source: "ai" as const,
            model: r.model,
            createdByMemberId: memberId,
          })),
        )
        .returning()
    : [];
  await recordActivity(ctx, {
    type: "record_insight.generated",
    subjectType: "record",
    subjectId: record.id,
    summary: `Generated ${rows.length} insight${rows.length === 1 ? "" : "s"} for ${record.title ?? "a record"}`,
    data: { recordset_id: record.recordsetId, insight_ids: rows.map((x) => x.id), model: r.model },
  });
  return { record_id: record.id, insights: rows.map(toInsight), ...meta(r) };
}

const followUpsSchema = (max: number) => ({
  type: "object",
  properties: {
    suggestions: {
      type: "array",
      maxItems: max,
      items: {
        type: "object",
        properties: {
          record_id: { type: "string" },
          reason: { type: "string" },
          suggested_action: { type: "string" },
          channel: { type: "string", enum: [...INTERACTION_TYPES] },
          priority: { type: "string", enum: [...TRACKING_PRIORITIES] },
        },
        required: ["record_id", "reason", "suggested_action", "channel", "priority"],
        additionalProperties: false,
      },
    },
  },
  required: ["suggestions"],
  additionalProperties: false,
});
type Suggestion = {
  record_id: string;
  reason: string;
  suggested_action: string;
  channel: (typeof INTERACTION_TYPES)[number];
  priority: (typeof TRACKING_PRIORITIES)[number];
};

/** How many candidates the model sees (the most neglected first). */
const MAX_CANDIDATES = 40;

/**
 * Follow-up suggestions for a recordset: the candidates are chosen in SQL (active records not
 * contacted for `days_without_contact` days, or with overdue tasks; never contacted and most
 * overdue first), the model says why and what to do. Suggestions for records outside the
 * candidates are dropped. Nothing is stored. Needs can_view and can_use_ai.
 */
export async function suggestFollowUps(ctx: ServiceContext, recordsetIdOrSlug: string, input: FollowUpsRequest) {
  const { recordset } = await getRecordsetForActor(ctx, recordsetIdOrSlug, "can_view");
  await requirePermission(ctx, "can_use_ai");
  const limit = input.limit ?? 10;
  const now = new Date();
  const since = new Date(now.getTime() - (input.days_without_contact ?? 14) * DAY);
  const res = await ctx.db.execute(sql`
    select x.* from (
      select r.id, r.title, r.field_values,
        (select max(i.occurred_at) from record_interactions i where i.record_id = r.id) as last,
        (select count(*) from record_tasks t where t.record_id = r.id and t.status in ('todo', 'in_progress'))::int as open,
        (select count(*) from record_tasks t where t.record_id = r.id and t.status in ('todo', 'in_progress') and t.due_at < ${now})::int as overdue
      from records r where r.recordset_id = ${recordset.id} and r.status = 'active' and r.deleted_at is null
    ) x
    where x.last is null or x.last < ${since} or x.overdue > 0
    order by x.overdue desc, x.last asc nulls first, x.id
    limit ${MAX_CANDIDATES}`);
  const candidates = res.rows.map((row) => ({
    id: String(row.id),
    title: (row.title as string | null) ?? null,
    fieldValues: (row.field_values ?? {}) as Record<string, unknown>,
    last: row.last ? new Date(row.last as string) : null,
    open: Number(row.open ?? 0),
    overdue: Number(row.overdue ?? 0),
  }));
  if (candidates.length === 0) {
    return {
      recordset_id: recordset.id,
      candidates_considered: 0,
      suggestions: [],
      model: "",
      usage: { prompt_tokens: 0, completion_tokens: 0 },
      credits: 0,
      generated_at: now.toISOString(),
    };
  }
  const text = clip(
    [
      `Recordset "${recordset.name}" (${recordset.type}). Today: ${now.toISOString().slice(0, 10)}.`,
      "Records that may need a follow-up:",
      ...candidates.map((c) => {
        const fields = Object.entries(c.fieldValues)
          .filter(([, v]) => v !== null && v !== "")
          .slice(0, 12)
          .map(([k, v]) => `${k}=${clip(typeof v === "string" ? v : JSON.stringify(v), 120)}`)
          .join("; ");
        const last = c.last ? `last contact ${Math.floor((now.getTime() - c.last.getTime()) / DAY)} days ago` : "never contacted";
        return `- record_id ${c.id}: ${c.title ?? "(untitled)"} — ${last}; ${c.open} open tasks, ${c.overdue} overdue; ${fields}`;
      }),
    ].join("\n"),
    MAX_CONTEXT,
  );
  const r = await extract<{ suggestions: Suggestion[] }>(ctx, {
    operation: "record_follow_ups",
    schema: followUpsSchema(limit),
    instructions:
      `You are a CRM assistant. Pick at most ${limit} of these records that most need a follow-up now, most urgent first. ` +
      "For each: its record_id exactly as given, the reason, one concrete suggested action, the channel (call, email, " +
      "meeting, message…) and a priority.",
    text,
  });
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const seen = new Set<string>();
  const suggestions = r.data.suggestions.flatMap((s) => {
    const c = byId.get(s.record_id.trim());
    if (!c || seen.has(c.id)) return [];
    seen.add(c.id);
    return [
      {
        record_id: c.id,
        record_title: c.title,
        last_interaction_at: c.last ? c.last.toISOString() : null,
        open_tasks: c.open,
        overdue_tasks: c.overdue,
        reason: s.reason,
        suggested_action: s.suggested_action,
        channel: s.channel,
        priority: s.priority,
      },
    ];
  });
  return { recordset_id: recordset.id, candidates_considered: candidates.length, suggestions: suggestions.slice(0, limit), ...meta(r) };
}
