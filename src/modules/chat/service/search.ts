import { and, desc, eq, ilike, isNull, or, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../../platform/context";
import { isServiceError } from "../../../platform/errors";
import { visibleChannelsWhere } from "../../channels/service/access";
import { channels, messages } from "../../channels/tables";
import { goals } from "../../goals/tables";
import { type Citation, citationOf, type KnowledgeSearchResult, searchKnowledge } from "../../knowledge/service/search";
import { hasPermission, requirePermission } from "../../permissions/service";
import { records } from "../../records/tables";
import { visibleRecordsetIdsSql } from "../../recordsets/internal";
import { recordsets } from "../../recordsets/tables";
import { listTasks } from "../../tasks/service";
import { myMemberId } from "../internal";
import type { ChatSearchRequest } from "../schemas";

type Source = NonNullable<ChatSearchRequest["types"]>[number];
export const SEARCH_SOURCES: Source[] = ["tasks", "goals", "channels", "messages", "records", "documents"];

export interface SearchResult {
  type: "task" | "goal" | "channel" | "message" | "record" | "document";
  id: string;
  title: string;
  snippet: string | null;
  url: string | null;
  created_at: string | null;
  citation?: Citation;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Up to 240 characters of `text` around the first match of `query`. */
function snippet(text: string | null | undefined, query: string): string | null {
  if (!text) return null;
  const flat = text.replace(/\s+/g, " ").trim();
  const at = flat.toLowerCase().indexOf(query.toLowerCase());
  const start = Math.max(0, at < 0 ? 0 : at - 80);
  const s = flat.slice(start, start + 240);
  return `${start > 0 ? "…" : ""}${s}${start + 240 < flat.length ? "…" : ""}`;
}

/**
 * Case-insensitive substring search across the workspace's business data, with each source's own
 * visibility rule applied (the caller sees here only what they can see in that module):
 * tasks (listTasks), goals (can_view_goal, else their own), channels and channel messages
 * (visible channels), records (visible recordsets, active records), and documents through the
 * knowledge index's hybrid retrieval (its visibility rule inside the query; each result cites
 * the passage: document, version, chunk, score).
 */
export async function searchWorkspace(ctx: ServiceContext, input: ChatSearchRequest) {
  await requirePermission(ctx, "can_use_ai");
  const query = input.query.trim();
  const wanted = new Set(input.types ?? SEARCH_SOURCES);
  const limit = input.limit;
  const pattern = `%${escapeLike(query)}%`;
  const memberId = await myMemberId(ctx);
  const jobs: Promise<SearchResult[]>[] = [];

  if (wanted.has("tasks") && (await hasPermission(ctx, "can_view_action"))) {
    jobs.push(
      listTasks(ctx, { search: query, page: 1, page_size: limit } as Parameters<typeof listTasks>[1]).then((r) =>
        r.items.map((t) => ({
          type: "task" as const,
          id: t.id,
          title: t.title,
          snippet: snippet(t.description, query) ?? `Status: ${t.status}, priority: ${t.priority}`,
          url: `/api/v1/tasks/${t.id}`,
          created_at: t.created_at,
        })),
      ),
    );
  }
  if (wanted.has("goals")) {
    const where: SQL[] = [or(ilike(goals.title, pattern), ilike(goals.description, pattern)) as SQL];
    if (!(await hasPermission(ctx, "can_view_goal"))) {
      where.push(sql`(${goals.ownerMemberId} = ${memberId} or ${goals.createdByMemberId} = ${memberId})`);
    }
    jobs.push(
      ctx.db
        .select()
        .from(goals)
        .where(and(...where))
        .orderBy(desc(goals.createdAt))
        .limit(limit)
        .then((rows) =>
          rows.map((g) => ({
            type: "goal" as const,
            id: g.id,
            title: g.title,
            snippet: snippet(g.description, query) ?? `Status: ${g.status}, progress ${g.progress}%`,
            url: `/api/v1/goals/${g.id}`,
            created_at: g.createdAt.toISOString(),
          })),
        ),
    );
  }
  const visibleChannels = wanted.has("channels") || wanted.has("messages") ? await visibleChannelsWhere(ctx, memberId) : undefined;
  if (wanted.has("channels")) {
    jobs.push(
      ctx.db
        .select()
        .from(channels)
        .where(and(visibleChannels, or(ilike(channels.name, pattern), ilike(channels.description, pattern))))
        .orderBy(desc(channels.createdAt))
        .limit(limit)
        .then((rows) =>
          rows.map((ch) => ({
            type: "channel" as const,
            id: ch.id,
            title: `#${ch.slug} ${ch.name}`,
            snippet: snippet(ch.description, query),
            url: `/api/v1/channels/${ch.slug}`,
            created_at: ch.createdAt.toISOString(),
          })),
        ),
    );
  }
  if (wanted.has("messages")) {
    jobs.push(
      ctx.db
        .select({ m: messages, slug: channels.slug })
        .from(messages)
        .innerJoin(channels, eq(channels.id, messages.channelId))
        .where(and(visibleChannels, isNull(messages.deletedAt), isNull(messages.squashedIntoId), ilike(messages.content, pattern)))
        .orderBy(desc(messages.createdAt))
        .limit(limit)
        .then((rows) =>
          rows.map(({ m, slug }) => ({
            type: "message" as const,
            id: m.id,
            title: `Message in #${slug}`,
            snippet: snippet(m.content, query),
            url: `/api/v1/channels/${slug}/messages`,
            created_at: m.createdAt.toISOString(),
          })),
        ),
    );
  }
  if (wanted.has("records")) {
    jobs.push(
      ctx.db
        .select({ r: records, slug: recordsets.slug, name: recordsets.name })
        .from(records)
        .innerJoin(recordsets, eq(recordsets.id, records.recordsetId))
        .where(
          and(
            sql`${records.recordsetId} in (${visibleRecordsetIdsSql(ctx)})`,
            eq(records.status, "active"),
            isNull(records.deletedAt),
            or(ilike(records.title, pattern), ilike(records.searchText, pattern)),
          ),
        )
        .orderBy(desc(records.createdAt))
        .limit(limit)
        .then((rows) =>
          rows.map(({ r, slug, name }) => ({
            type: "record" as const,
            id: r.id,
            title: `${r.title ?? "Untitled"} (${name})`,
            snippet: snippet(r.searchText, query),
            url: `/api/v1/recordsets/${slug}/records/${r.id}`,
            created_at: r.createdAt.toISOString(),
          })),
        ),
    );
  }
  if (wanted.has("documents")) {
    jobs.push(
      documentPassages(ctx, query, limit).then((r) =>
        r.results.map((h) => ({
          type: "document" as const,
          id: h.document_id,
          title: h.section ? `${h.title} — ${h.section}` : h.title,
          snippet: h.snippet,
          url: `/api/v1/documents/${h.document_id}`,
          created_at: null,
          citation: citationOf(h),
        })),
      ),
    );
  }
  const results = (await Promise.all(jobs)).flat();
  return { query, results, total: results.length };
}

/** Hybrid retrieval; when the embedding provider fails, full text alone (the search still answers). */
async function documentPassages(ctx: ServiceContext, query: string, limit: number): Promise<KnowledgeSearchResult> {
  try {
    return await searchKnowledge(ctx, { query, top_k: limit, mode: "hybrid" });
  } catch (e) {
    if (isServiceError(e) && e.retryable) return searchKnowledge(ctx, { query, top_k: limit, mode: "fulltext" });
    throw e;
  }
}
