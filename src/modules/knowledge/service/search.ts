import { isNotNull, type SQL, sql } from "drizzle-orm";
import { embed, extract } from "../../../platform/ai";
import type { ServiceContext } from "../../../platform/context";
import { isServiceError } from "../../../platform/errors";
import { visibleDocumentsSql } from "../../documents/access";
import { documents, type LinkEntityType } from "../../documents/tables";
import { anyOf, unit, vectorLiteral } from "../internal";
import { EMBEDDING_DIMENSIONS } from "../tables";

export type SearchMode = "hybrid" | "fulltext" | "vector";

export interface KnowledgeSearchOptions {
  query: string;
  top_k?: number | undefined;
  /** Minimum `score` (see KnowledgeHit.score), applied inside the query so top_k stays full. */
  score_threshold?: number | undefined;
  document_ids?: string[] | undefined;
  /** Documents carrying any of these tags. */
  tags?: string[] | undefined;
  categories?: string[] | undefined;
  linked_entity?: { type: LinkEntityType; id: string } | undefined;
  /** An AI employee: only documents whose agent_ids is null or names it. */
  agent_id?: string | undefined;
  mode?: SearchMode | undefined;
  rerank?: boolean | undefined;
  /** Documents never returned (e.g. the document a summary or suggestion is about). */
  exclude_document_ids?: string[] | undefined;
  /** A query vector already at hand (e.g. a document's centroid) instead of embedding `query`, with the model that made it. */
  embedding?: { vector: number[]; model: string } | undefined;
}

/** One retrieved chunk with everything a citation needs. */
export interface KnowledgeHit {
  document_id: string;
  title: string;
  version: number;
  chunk_id: string;
  chunk_index: number;
  section: string | null;
  page: number | null;
  /**
   * hybrid: reciprocal rank fusion scaled so 1 = first in both lists; fulltext: ts_rank_cd
   * normalised to 0–1; vector: cosine similarity. After rerank: the reranker's 0–1 score.
   */
  score: number;
  text_rank: number | null;
  vector_rank: number | null;
  vector_similarity: number | null;
  snippet: string;
  content: string;
}

export interface KnowledgeSearchResult {
  query: string;
  mode: SearchMode;
  top_k: number;
  results: KnowledgeHit[];
  embedding_model: string | null;
  reranked: boolean;
}

/** Reciprocal rank fusion's k (the usual 60: dampens the weight of the very first ranks). */
const RRF_K = 60;
export const MAX_TOP_K = 50;

/**
 * Hybrid retrieval over the knowledge index, in ONE statement: full-text candidates
 * (websearch_to_tsquery + ts_rank_cd over the chunk's tsvector) and vector candidates (ORDER BY
 * vec_cosine_distance LIMIT n) fused by reciprocal rank fusion. The caller's document visibility
 * (visibleDocumentsSql), the filters, the agent restriction and "only the indexed current
 * version" all apply inside both candidate queries (the `docs` CTE), never afterwards, so a
 * document the caller cannot open is never a candidate and top_k fills with visible ones.
 * The score threshold also applies before the LIMIT. Exported for the compatibility surfaces.
 */
export async function searchKnowledge(ctx: ServiceContext, o: KnowledgeSearchOptions): Promise<KnowledgeSearchResult> {
  const mode = o.mode ?? "hybrid";
  const topK = Math.min(Math.max(o.top_k ?? 10, 1), MAX_TOP_K);
  const query = o.query.trim();
  // With nothing indexed there is nothing to find: no embedding call (and no credits) for it. The
  // query is embedded while the caller's visibility is worked out (the two are independent).
  const anyIndexed = ctx.db.select({ id: documents.id }).from(documents).where(isNotNull(documents.indexedVersion)).limit(1);
  const embedding: Promise<{ vector: number[]; model: string } | null> =
    mode === "fulltext"
      ? Promise.resolve(null)
      : o.embedding
        ? Promise.resolve(o.embedding)
        : anyIndexed.then(async (rows) => {
            if (rows.length === 0) return null;
            const r = await embed(ctx, { input: [query], operation: "knowledge_search", dimensions: EMBEDDING_DIMENSIONS });
            return { vector: r.vectors[0] ?? [], model: r.model };
          });
  // Settled together, so a failed embedding never leaves the other promises unobserved.
  const [visible, indexed, emb] = await Promise.all([visibleDocumentsSql(ctx), anyIndexed, embedding]);
  if (indexed.length === 0) return { query, mode, top_k: topK, results: [], embedding_model: null, reranked: false };
  const vector = emb ? unit(emb.vector) : null;
  const model = emb?.model ?? null;
  const fetchK = o.rerank ? Math.min(topK * 2, MAX_TOP_K * 2) : topK;
  // Enough candidates from each method that fusion has overlap to work with.
  const candidates = Math.min(Math.max(fetchK * 4, 40), 400);

  const docFilters: SQL[] = [sql`documents.indexed_version is not null`];
  if (visible) docFilters.push(visible);
  if (o.document_ids?.length) docFilters.push(sql`documents.id = ${anyOf(o.document_ids, "uuid")}`);
  if (o.exclude_document_ids?.length) docFilters.push(sql`not (documents.id = ${anyOf(o.exclude_document_ids, "uuid")})`);
  if (o.tags?.length)
    docFilters.push(
      sql`documents.tags && array[${sql.join(
        o.tags.map((t) => sql`${t}`),
        sql`, `,
      )}]::text[]`,
    );
  if (o.categories?.length) docFilters.push(sql`documents.category = ${anyOf(o.categories, "text")}`);
  if (o.linked_entity) {
    docFilters.push(sql`exists (select 1 from document_links le where le.document_id = documents.id
      and le.entity_type = ${o.linked_entity.type} and le.entity_id = ${o.linked_entity.id}::uuid)`);
  }
  if (o.agent_id) docFilters.push(sql`(documents.agent_ids is null or ${o.agent_id}::uuid = any(documents.agent_ids))`);

  const useText = mode !== "vector";
  // Plain words match any of them (ranked by how many, how often, how close: ts_rank_cd), so a
  // question finds passages that answer it; quotes or -word switch to web search syntax (phrases,
  // exclusions, all words required).
  const strict = /["]|(^|\s)-\S/.test(query);
  const lexemes = (where: SQL, join: string) =>
    sql`(select string_agg(quote_literal(replace(l, chr(92), '')), ${join})
      from unnest(tsvector_to_array(to_tsvector('english', ${query}))) l where ${where})::tsquery`;
  // Codes and numbers ("CC-4471", "2291") are what a question names to pick one document out of
  // many alike: a passage holding every one of them ranks above those that share only common words.
  const idquery = lexemes(sql`l ~ '[0-9]'`, " & ");
  const tsquery = strict ? sql`websearch_to_tsquery('english', ${query})` : sql`coalesce(${lexemes(sql`true`, " | ")}, ''::tsquery)`;
  const useVector = mode !== "fulltext" && vector !== null;
  const vec = vector ? sql`${vectorLiteral(vector)}::real[]` : sql`null::real[]`;
  const score =
    mode === "hybrid"
      ? // A passage holding every code the question names counts as a third list's first place, so
        // vector neighbours that share only common words cannot outvote it; scaled so 1 = first everywhere.
        sql`(coalesce(1.0 / (${RRF_K} + ft.rk), 0) + coalesce(1.0 / (${RRF_K} + vc.rk), 0)
          + case when ft.idmatch then 1.0 / (${RRF_K} + 1) else 0 end)
          * ${RRF_K + 1} / (2 + (select (idq is not null)::int from q))`
      : mode === "fulltext"
        ? sql`ft.score`
        : sql`vc.sim`;

  const rows = await ctx.db.execute<{
    chunk_id: string;
    document_id: string;
    title: string;
    version: number;
    chunk_index: number;
    section: string | null;
    page: number | null;
    content: string;
    snippet: string;
    score: number;
    text_rank: number | null;
    vector_rank: number | null;
    vector_similarity: number | null;
  }>(sql`
    with q as (select ${tsquery} as tsq, ${idquery} as idq),
    docs as materialized (
      select documents.id, documents.title, documents.indexed_version from documents
      where ${sql.join(docFilters, sql` and `)}
    ),
    ft as (
      select id, row_number() over (order by score desc, id) as rk, score, idmatch from (
        select c.id, case when q.idq is null then ts_rank_cd(c.tsv, q.tsq, 32)
          else (ts_rank_cd(c.tsv, q.tsq, 32) + (c.tsv @@ q.idq)::int) / 2 end as score,
          coalesce(c.tsv @@ q.idq, false) as idmatch
        from knowledge_chunks c join docs d on d.id = c.document_id and c.version_number = d.indexed_version, q
        where ${useText ? sql`c.tsv @@ q.tsq` : sql`false`}
        order by score desc, c.id limit ${candidates}
      ) t
    ),
    vc as (
      select id, row_number() over (order by dist, id) as rk, 1 - dist as sim from (
        select c.id, vec_cosine_distance(c.embedding, ${vec}) as dist
        from knowledge_chunks c join docs d on d.id = c.document_id and c.version_number = d.indexed_version
        where ${useVector ? sql`c.embedding is not null and c.embedding_model = ${model}` : sql`false`}
        -- The query vector is a parameter here (not a joined column), so pgvector's HNSW index can order the scan.
        order by dist, c.id limit ${candidates}
      ) v
    ),
    fused as (
      select coalesce(ft.id, vc.id) as id, ${score} as score, ft.rk as text_rank, vc.rk as vector_rank, vc.sim as vector_similarity
      from ft full outer join vc on vc.id = ft.id
    )
    select c.id as chunk_id, c.document_id, d.title, c.version_number as version, c.chunk_index, c.section, c.page, c.content,
      ts_headline('english', c.content, q.tsq, 'MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=" … ", StartSel=«, StopSel=»') as snippet,
      f.score::float8 as score, f.text_rank::int as text_rank, f.vector_rank::int as vector_rank, f.vector_similarity::float8 as vector_similarity
    from fused f join knowledge_chunks c on c.id = f.id join docs d on d.id = c.document_id, q
    where f.score >= ${o.score_threshold ?? 0}
    order by f.score desc, c.id
    limit ${fetchK}`);

  let results: KnowledgeHit[] = rows.rows.map((r) => ({
    document_id: r.document_id,
    title: r.title,
    version: Number(r.version),
    chunk_id: r.chunk_id,
    chunk_index: Number(r.chunk_index),
    section: r.section,
    page: r.page === null ? null : Number(r.page),
    score: round(Number(r.score)),
    text_rank: r.text_rank === null ? null : Number(r.text_rank),
    vector_rank: r.vector_rank === null ? null : Number(r.vector_rank),
    vector_similarity: r.vector_similarity === null ? null : round(Number(r.vector_similarity)),
    snippet: r.snippet,
    content: r.content,
  }));
  let reranked = false;
  if (o.rerank && results.length > 1) {
    const r = await rerank(ctx, query, results);
    if (r) {
      results = r;
      reranked = true;
    }
  }
  return { query, mode, top_k: topK, results: results.slice(0, topK), embedding_model: model, reranked };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

const RERANK_SCHEMA = {
  type: "object",
  properties: {
    scores: {
      type: "array",
      items: {
        type: "object",
        properties: { index: { type: "integer", minimum: 0 }, relevance: { type: "number", minimum: 0, maximum: 1 } },
        required: ["index", "relevance"],
        additionalProperties: false,
      },
    },
  },
  required: ["scores"],
  additionalProperties: false,
};

/**
 * One gateway call scores every candidate's relevance (0–1); candidates are reordered by it,
 * ties (and any the model skipped) keeping their fused order. A failed rerank is not a failed
 * search: the fused order stands (reported as reranked: false).
 */
async function rerank(ctx: ServiceContext, query: string, hits: KnowledgeHit[]): Promise<KnowledgeHit[] | null> {
  const text = hits.map((h, i) => `[${i}] ${h.title}${h.section ? ` — ${h.section}` : ""}\n${h.content.slice(0, 1200)}`).join("\n\n");
  try {
    const r = await extract<{ scores: { index: number; relevance: number }[] }>(ctx, {
      schema: RERANK_SCHEMA,
      text: `Query: ${query}\n\nPassages:\n${text}`,
      instructions: "Score how well each passage answers the query, from 0 (unrelated) to 1 (answers it). One entry per passage index.",
      operation: "knowledge_rerank",
    });
    const by = new Map<number, number>();
    for (const s of r.data.scores) if (Number.isInteger(s.index) && s.index >= 0 && s.index < hits.length) by.set(s.index, s.relevance);
    return hits
      .map((h, i) => ({ h, i, s: by.get(i) ?? -1 }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .map(({ h, s }) => (s >= 0 ? { ...h, score: round(s) } : h));
  } catch (e) {
    if (isServiceError(e) && e.code !== "insufficient_credits") return null;
    throw e;
  }
}

/** A citation: what an answer that used a chunk says about where it came from. */
export const citationOf = (h: KnowledgeHit) => ({
  document_id: h.document_id,
  title: h.title,
  version: h.version,
  chunk_id: h.chunk_id,
  chunk_index: h.chunk_index,
  section: h.section,
  page: h.page,
  score: h.score,
  snippet: h.snippet,
});
export type Citation = ReturnType<typeof citationOf>;
