import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import { chat, extract } from "../../../platform/ai";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { visibleChannelsWhere } from "../../channels/service/access";
import { channels } from "../../channels/tables";
import { type DocumentRow, getDocumentForActor } from "../../documents/access";
import { documents } from "../../documents/tables";
import { currentMember } from "../../members/service";
import { hasPermission } from "../../permissions/service";
import { visibleRecordsetIdsSql } from "../../recordsets/internal";
import { visibleTasksSql } from "../../tasks/internal";
import { unit } from "../internal";
import { knowledgeChunks } from "../tables";
import { type Citation, citationOf, type KnowledgeHit, searchKnowledge } from "./search";

/** Own chunks given to the summary model (in document order) and the related chunks added. */
const SUMMARY_OWN_CHUNKS = 12;
const SUMMARY_RELATED_CHUNKS = 4;
/** Own chunks whose embeddings make the document's centroid (its "meaning" for similarity). */
const CENTROID_CHUNKS = 50;

type ChunkRow = typeof knowledgeChunks.$inferSelect;

function requireIndexed(d: DocumentRow): number {
  if (d.indexedVersion === null) {
    throw new ServiceError("conflict", `The document is not indexed yet (index status: ${d.indexStatus}); try again when it is ready`);
  }
  return d.indexedVersion;
}

async function ownChunks(ctx: ServiceContext, d: DocumentRow, version: number, limit: number): Promise<ChunkRow[]> {
  return ctx.db
    .select()
    .from(knowledgeChunks)
    .where(and(eq(knowledgeChunks.documentId, d.id), eq(knowledgeChunks.versionNumber, version)))
    .orderBy(asc(knowledgeChunks.chunkIndex))
    .limit(limit);
}

const ownCitation = (d: DocumentRow, c: ChunkRow): Citation => ({
  document_id: d.id,
  title: d.title,
  version: c.versionNumber,
  chunk_id: c.id,
  chunk_index: c.chunkIndex,
  section: c.section,
  page: c.page,
  score: 1,
  snippet: c.content.replace(/\s+/g, " ").slice(0, 240),
});

/** The normalised mean of the document's chunk vectors: one query vector for "documents like this one". */
async function centroid(ctx: ServiceContext, d: DocumentRow, version: number): Promise<{ vector: number[]; model: string } | null> {
  const rows = await ctx.db
    .select({ e: knowledgeChunks.embedding, model: knowledgeChunks.embeddingModel })
    .from(knowledgeChunks)
    .where(and(eq(knowledgeChunks.documentId, d.id), eq(knowledgeChunks.versionNumber, version), isNotNull(knowledgeChunks.embedding)))
    .orderBy(asc(knowledgeChunks.chunkIndex))
    .limit(CENTROID_CHUNKS);
  const first = rows[0];
  if (!first?.e || !first.model) return null;
  const sum = new Array<number>(first.e.length).fill(0);
  for (const r of rows) {
    if (r.model !== first.model || !r.e) continue;
    for (let i = 0; i < r.e.length; i++) sum[i] = (sum[i] ?? 0) + (r.e[i] ?? 0);
  }
  return { vector: unit(sum), model: first.model };
}

/** Chunks of other documents the caller can see, most similar to this one (permissions inside the query). */
async function similarChunks(ctx: ServiceContext, d: DocumentRow, version: number, topK: number): Promise<KnowledgeHit[]> {
  const c = await centroid(ctx, d, version);
  if (!c) return [];
  const r = await searchKnowledge(ctx, { query: d.title, mode: "vector", top_k: topK, embedding: c, exclude_document_ids: [d.id] });
  return r.results;
}

/**
 * POST …/ai-summary: a RAG call over the document's own chunks (in order) plus a few chunks of
 * similar documents the caller can see, through the gateway's chat. Cached on the document
 * (ai_summary, ai_summary_at) until the index changes or force_regenerate; a cached answer cites
 * the document's own chunks it was made from.
 */
export async function documentSummary(ctx: ServiceContext, documentId: string, force: boolean) {
  const { document: d } = await getDocumentForActor(ctx, documentId, "view");
  const version = requireIndexed(d);
  const own = await ownChunks(ctx, d, version, SUMMARY_OWN_CHUNKS);
  const fresh = d.aiSummary && d.aiSummaryAt && (!d.indexedAt || d.aiSummaryAt >= d.indexedAt);
  if (fresh && !force) {
    return {
      document_id: d.id,
      version,
      summary: d.aiSummary as string,
      generated_at: (d.aiSummaryAt as Date).toISOString(),
      cached: true,
      model: null,
      citations: own.map((c) => ownCitation(d, c)),
    };
  }
  const related = await similarChunks(ctx, d, version, SUMMARY_RELATED_CHUNKS);
  const sources: Citation[] = [...own.map((c) => ownCitation(d, c)), ...related.map(citationOf)];
  const contents = [...own.map((c) => c.content), ...related.map((h) => h.content)];
  const context = sources
    .map((s, i) => `[${i + 1}] ${s.title}${s.section ? ` — ${s.section}` : ""}${s.page ? ` (page ${s.page})` : ""}\n${contents[i]}`)
    .join("\n\n");
  const r = await chat(ctx, {
    operation: "document_summary",
    messages: [
      {
        role: "system",
        content:
          "You summarise a workspace document for its readers. Use only the numbered sources. Sources 1 to " +
          `${own.length} are the document itself; later ones are related documents, for context only. ` +
          "Write a short summary (at most 150 words) of the document and cite sources as [n].",
      },
      { role: "user", content: `Document: ${d.title}\n\nSources:\n${context}` },
    ],
    maxTokens: 400,
  });
  const summary = r.text.trim();
  const at = new Date();
  await ctx.db.update(documents).set({ aiSummary: summary, aiSummaryAt: at }).where(eq(documents.id, d.id));
  return { document_id: d.id, version, summary, generated_at: at.toISOString(), cached: false, model: r.model, citations: sources };
}

export type SuggestionTarget = "document" | "record" | "task" | "channel";

interface Candidate {
  target_type: SuggestionTarget;
  target_id: string;
  name: string;
  base: number;
  evidence: string;
}

const SUGGEST_SCHEMA = {
  type: "object",
  properties: {
    suggestions: {
      type: "array",
      items: {
        type: "object",
        properties: {
          index: { type: "integer", minimum: 0 },
          confidence: { type: "number", minimum: 0, maximum: 1 },
          reason: { type: "string", maxLength: 300 },
        },
        required: ["index", "confidence", "reason"],
        additionalProperties: false,
      },
    },
  },
  required: ["suggestions"],
  additionalProperties: false,
};

/** The document's most characteristic words (by frequency in its chunks) as an OR tsquery for matching other objects. */
async function keyTerms(ctx: ServiceContext, documentId: string, version: number): Promise<string | null> {
  // ts_stat takes its query as text; the id is a uuid read from the database and the version an integer.
  const r = await ctx.db.execute<{ word: string }>(sql`
    select word from ts_stat(${`select tsv from knowledge_chunks where document_id = '${documentId}' and version_number = ${version}`})
    where length(word) > 2 order by nentry desc, ndoc desc, word limit 12`);
  const words = r.rows.map((w) => w.word.replace(/[^\p{L}\p{N}]/gu, "")).filter(Boolean);
  return words.length ? words.join(" | ") : null;
}

/**
 * GET …/relationships/suggestions: candidates are other visible documents whose chunks are close
 * to this one's (vector similarity), plus records, tasks and channels the caller can see whose
 * text matches the document's key terms (full text, each with its module's visibility rule);
 * then one gateway `extract` call explains and scores them. Confidence blends the retrieval
 * score with the model's.
 */
export async function relationshipSuggestions(ctx: ServiceContext, documentId: string, limit: number) {
  const { document: d } = await getDocumentForActor(ctx, documentId, "view");
  const version = requireIndexed(d);
  const candidates: Candidate[] = [];

  const hits = await similarChunks(ctx, d, version, 30);
  const bestByDoc = new Map<string, KnowledgeHit>();
  for (const h of hits) if (!bestByDoc.has(h.document_id)) bestByDoc.set(h.document_id, h);
  for (const h of [...bestByDoc.values()].slice(0, limit)) {
    candidates.push({ target_type: "document", target_id: h.document_id, name: h.title, base: Math.max(0, h.score), evidence: h.snippet });
  }

  const terms = await keyTerms(ctx, d.id, version);
  if (terms) {
    const tsq = sql`to_tsquery('english', ${terms})`;
    const per = Math.max(3, Math.ceil(limit / 2));
    const [tasksVisible, me] = await Promise.all([visibleTasksSql(ctx), currentMember(ctx)]);
    const jobs: Promise<Candidate[]>[] = [];
    if (await hasPermission(ctx, "can_view_action")) {
      jobs.push(
        ctx.db
          .execute<{ id: string; title: string; rank: number; text: string }>(sql`
            select "tasks"."id", "tasks"."title", ts_rank_cd(v, ${tsq}, 32) as rank, coalesce("tasks"."description", '') as text
            from tasks, to_tsvector('english', "tasks"."title" || ' ' || coalesce("tasks"."description", '')) v
            where v @@ ${tsq} ${tasksVisible ? sql`and ${tasksVisible}` : sql``}
            order by rank desc, "tasks"."id" limit ${per}`)
          .then((r) =>
            r.rows.map((t) => ({
              target_type: "task" as const,
              target_id: t.id,
              name: t.title,
              base: Number(t.rank),
              evidence: t.text.slice(0, 200),
            })),
          ),
      );
    }
    jobs.push(
      ctx.db
        .execute<{ id: string; title: string | null; rank: number; text: string | null }>(sql`
          select rec.id, rec.title, ts_rank_cd(v, ${tsq}, 32) as rank, rec.search_text as text
          from records rec, to_tsvector('english', coalesce(rec.title, '') || ' ' || coalesce(rec.search_text, '')) v
          where v @@ ${tsq} and rec.status = 'active' and rec.deleted_at is null and rec.recordset_id in (${visibleRecordsetIdsSql(ctx)})
          order by rank desc, rec.id limit ${per}`)
        .then((r) =>
          r.rows.map((x) => ({
            target_type: "record" as const,
            target_id: x.id,
            name: x.title ?? "Untitled record",
            base: Number(x.rank),
            evidence: (x.text ?? "").slice(0, 200),
          })),
        ),
    );
    const channelsVisible = await visibleChannelsWhere(ctx, me.id);
    jobs.push(
      ctx.db
        .select({
          id: channels.id,
          name: channels.name,
          text: channels.description,
          rank: sql<number>`ts_rank_cd(to_tsvector('english', ${channels.name} || ' ' || coalesce(${channels.description}, '')), ${tsq}, 32)`,
        })
        .from(channels)
        .where(
          and(sql`to_tsvector('english', ${channels.name} || ' ' || coalesce(${channels.description}, '')) @@ ${tsq}`, channelsVisible),
        )
        .orderBy(sql`4 desc`, channels.id)
        .limit(per)
        .then((rows) =>
          rows.map((c) => ({
            target_type: "channel" as const,
            target_id: c.id,
            name: c.name,
            base: Number(c.rank),
            evidence: (c.text ?? "").slice(0, 200),
          })),
        ),
    );
    for (const list of await Promise.all(jobs)) candidates.push(...list);
  }
  if (candidates.length === 0) return { document_id: d.id, suggestions: [], model: null };

  const own = await ownChunks(ctx, d, version, 3);
  const excerpt = own
    .map((c) => c.content)
    .join("\n\n")
    .slice(0, 4000);
  const listed = candidates.map((c, i) => `[${i}] ${c.target_type}: ${c.name}\n${c.evidence}`).join("\n\n");
  const r = await extract<{ suggestions: { index: number; confidence: number; reason: string }[] }>(ctx, {
    schema: SUGGEST_SCHEMA,
    operation: "document_relationships",
    instructions:
      "For each candidate that is genuinely related to the document, give its index, a confidence from 0 to 1 and a one-sentence reason. Leave out unrelated candidates.",
    text: `Document: ${d.title}\n${excerpt}\n\nCandidates:\n${listed}`,
  });
  const judged = new Map<number, { confidence: number; reason: string }>();
  for (const s of r.data.suggestions) if (Number.isInteger(s.index) && s.index >= 0 && s.index < candidates.length) judged.set(s.index, s);
  const suggestions = candidates
    .map((c, i) => {
      const j = judged.get(i);
      const base = Math.min(1, Math.max(0, c.base));
      return {
        target_type: c.target_type,
        target_id: c.target_id,
        name: c.name,
        confidence: Math.round((j ? (base + Math.min(1, Math.max(0, j.confidence))) / 2 : base / 2) * 1000) / 1000,
        reason: j?.reason ?? `Similar content (${c.target_type === "document" ? "vector similarity" : "matching terms"})`,
        source: j ? ("ai" as const) : ("retrieval" as const),
      };
    })
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, limit);
  return { document_id: d.id, suggestions, model: r.model };
}
