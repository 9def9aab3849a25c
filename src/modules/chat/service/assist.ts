import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { chat, extract } from "../../../platform/ai";
import type { ServiceContext } from "../../../platform/context";
import { channelMembers, channels } from "../../channels/tables";
import { listGoals } from "../../goals/service";
import { currentMember } from "../../members/service";
import { hasPermission, requirePermission } from "../../permissions/service";
import { records } from "../../records/tables";
import { visibleRecordsetIdsSql } from "../../recordsets/internal";
import { recordsets } from "../../recordsets/tables";
import { listTasks } from "../../tasks/service";
import type { SuggestTitleQuery } from "../schemas";
import { chatSuggestions } from "../tables";

const TITLE_SYSTEM =
  "You name chat conversations. Reply with a concise, topic-based title of 3 to 6 words for the conversation that starts " +
  "with the user's message. No quotes, no trailing punctuation, no prefix like 'Title:'.";

/** 3–6 words, no quotes or trailing punctuation; falls back to the message's first words. */
export function cleanTitle(raw: string, message: string): string {
  const firstLine =
    raw
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? "";
  const cleaned = firstLine
    .replace(/^(title\s*:\s*)/i, "")
    .replace(/^["'“”‘’`*#\s]+|["'“”‘’`*\s]+$/g, "")
    .replace(/[.!?,;:]+$/, "")
    .trim();
  const words = (cleaned || message.replace(/\s+/g, " ").trim()).split(" ").filter(Boolean).slice(0, 6);
  const title = words.join(" ").slice(0, 80).trim();
  return title || "New conversation";
}

/** GET /chat/suggest-title: one short gateway call (operation chat_title, usage and credits recorded). */
export async function suggestTitle(ctx: ServiceContext, q: SuggestTitleQuery) {
  await requirePermission(ctx, "can_use_ai");
  const r = await chat(ctx, {
    operation: "chat_title",
    messages: [
      { role: "system", content: TITLE_SYSTEM },
      { role: "user", content: q.message.slice(0, 4_000) },
    ],
    maxTokens: 24,
    temperature: 0.2,
  });
  return { title: cleanTitle(r.text, q.message) };
}

// ---- prompt suggestions ---------------------------------------------------------------------

const utcDay = (d = new Date()) => d.toISOString().slice(0, 10);

interface BusinessContext {
  name: string;
  openTasks: number;
  recentTasks: string[];
  channels: string[];
  goals: string[];
  recordsets: { name: string; records: number }[];
}

/**
 * What the member's business looks like to them, read through the modules' own visibility rules:
 * open tasks (listTasks), their channels, goals (listGoals) and visible recordsets with counts.
 */
async function businessContext(ctx: ServiceContext): Promise<BusinessContext> {
  const me = await currentMember(ctx);
  const tasks = (await hasPermission(ctx, "can_view_action"))
    ? await listTasks(ctx, { page: 1, page_size: 5, include_completed: false } as Parameters<typeof listTasks>[1])
    : { items: [], total: 0 };
  const myChannels = await ctx.db
    .select({ name: channels.name })
    .from(channelMembers)
    .innerJoin(channels, eq(channels.id, channelMembers.channelId))
    .where(and(eq(channelMembers.memberId, me.id), eq(channels.isArchived, false)))
    .orderBy(desc(channels.lastMessageAt))
    .limit(5);
  const goals = await listGoals(ctx, { skip: 0, limit: 5 });
  const sets = await ctx.db
    .select({ name: recordsets.name, records: count(records.id) })
    .from(recordsets)
    .leftJoin(records, and(eq(records.recordsetId, recordsets.id), eq(records.status, "active"), isNull(records.deletedAt)))
    .where(sql`${recordsets.id} in (${visibleRecordsetIdsSql(ctx)})`)
    .groupBy(recordsets.id, recordsets.name)
    .orderBy(sql`count(${records.id}) desc`)
    .limit(5);
  return {
    name: me.displayName ?? me.fullName ?? me.email,
    openTasks: tasks.total,
    recentTasks: tasks.items.map((t) => `${t.title} (${t.status}, ${t.priority})`),
    channels: myChannels.map((c) => c.name),
    goals: goals.map((g) => `${g.title} (${g.status}, ${g.progress}%)`),
    recordsets: sets.map((s) => ({ name: s.name, records: Number(s.records) })),
  };
}

function describe(b: BusinessContext): string {
  const lines = [`Person: ${b.name}`, `Open tasks: ${b.openTasks}`];
  if (b.recentTasks.length) lines.push(`Recent open tasks: ${b.recentTasks.join("; ")}`);
  if (b.channels.length) lines.push(`Their channels: ${b.channels.join(", ")}`);
  if (b.goals.length) lines.push(`Goals: ${b.goals.join("; ")}`);
  if (b.recordsets.length) lines.push(`Data sets: ${b.recordsets.map((r) => `${r.name} (${r.records} records)`).join(", ")}`);
  return lines.join("\n");
}

/** Suggestions made from the data itself, to fill up when the model gives fewer than four usable ones. */
function fallbacks(b: BusinessContext): string[] {
  const out: string[] = [];
  if (b.openTasks > 0) out.push(`What should I focus on among my ${b.openTasks} open tasks?`);
  if (b.goals.length) out.push("How are our goals progressing, and which ones are at risk?");
  if (b.channels[0]) out.push(`Summarize what's been happening in ${b.channels[0]}`);
  if (b.recordsets[0]) out.push(`What stands out in ${b.recordsets[0].name}?`);
  out.push(
    "Help me plan my week",
    "Draft a status update for my team",
    "What should I prioritize today?",
    "Give me ideas to grow the business",
  );
  return out;
}

const SUGGESTIONS_SCHEMA = {
  type: "object",
  properties: {
    suggestions: {
      type: "array",
      items: { type: "string", minLength: 3, maxLength: 160 },
      minItems: 4,
      maxItems: 4,
      description: "Four short prompts the person could send to their AI assistant, each specific to their data",
    },
  },
  required: ["suggestions"],
  additionalProperties: false,
};

/**
 * GET /chat/suggestions: four prompts for this member, generated at most once per UTC day from
 * their business data (the day's row is the cache; force_refresh generates again and replaces it).
 */
export async function promptSuggestions(ctx: ServiceContext, forceRefresh: boolean | undefined) {
  await requirePermission(ctx, "can_use_ai");
  const me = await currentMember(ctx);
  const day = utcDay();
  if (!forceRefresh) {
    const [cached] = await ctx.db
      .select()
      .from(chatSuggestions)
      .where(and(eq(chatSuggestions.memberId, me.id), eq(chatSuggestions.day, day)))
      .limit(1);
    if (cached) return { suggestions: cached.suggestions, cached: true, generated_at: cached.createdAt.toISOString(), cache_date: day };
  }
  const business = await businessContext(ctx);
  const r = await extract<{ suggestions: string[] }>(ctx, {
    operation: "chat_suggestions",
    schema: SUGGESTIONS_SCHEMA,
    text: describe(business),
    instructions:
      "Write four prompts this person could ask their business AI assistant today, grounded in the data given " +
      "(their tasks, channels, goals and data sets). Each under 100 characters, phrased as the person would ask.",
  });
  const seen = new Set<string>();
  const suggestions = [...r.data.suggestions, ...fallbacks(business)]
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => s.length >= 3 && !seen.has(s.toLowerCase()) && seen.add(s.toLowerCase()))
    .slice(0, 4);
  const [row] = await ctx.db
    .insert(chatSuggestions)
    .values({ memberId: me.id, day, suggestions, model: r.model })
    .onConflictDoUpdate({
      target: [chatSuggestions.memberId, chatSuggestions.day],
      set: { suggestions, model: r.model, createdAt: new Date() },
    })
    .returning();
  return { suggestions, cached: false, generated_at: (row?.createdAt ?? new Date()).toISOString(), cache_date: day };
}
