import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";
import { LINK_ENTITY_TYPES, type LinkEntityType } from "../documents/tables";
import { MAX_TOP_K } from "./service/search";

export const KnowledgeDocumentParam = z.object({
  document_id: z.string().openapi({ param: { name: "document_id", in: "path" }, description: "Document id (UUID)" }),
});
export const KnowledgeJobParam = z.object({ job_id: z.string().openapi({ param: { name: "job_id", in: "path" } }) });

const shortText = z.string().trim().min(1).max(200);

export const KnowledgeSearchRequest = z
  .object({
    query: z.string().trim().min(1).max(1_000).openapi({ description: "What to look for (words, a phrase in quotes, -word to exclude)" }),
    top_k: z.number().int().min(1).max(MAX_TOP_K).default(10),
    score_threshold: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .openapi({
        description:
          "Minimum score, applied inside the query (top_k still fills). hybrid: fused rank score (1 = first in both lists); " +
          "fulltext: normalised text rank; vector: cosine similarity",
      }),
    document_ids: z.array(z.uuid()).min(1).max(100).optional(),
    tags: z.array(shortText).min(1).max(20).optional().openapi({ description: "Documents with any of these tags" }),
    categories: z.array(shortText).min(1).max(20).optional(),
    linked_entity: z
      .object({ type: z.enum(LINK_ENTITY_TYPES as [LinkEntityType, ...LinkEntityType[]]), id: z.uuid() })
      .optional()
      .openapi({ description: "Only documents linked to this channel, task, record, …" }),
    agent_id: z.uuid().optional().openapi({ description: "Search as this AI employee: only documents it may read (agent_ids)" }),
    mode: z.enum(["hybrid", "fulltext", "vector"]).default("hybrid"),
    rerank: z.boolean().default(false).openapi({ description: "Reorder the candidates with one gateway call" }),
  })
  .strict()
  .openapi("KnowledgeSearchRequest");
export type KnowledgeSearchRequest = z.infer<typeof KnowledgeSearchRequest>;

export const CitationSchema = z
  .object({
    document_id: z.uuid(),
    title: z.string(),
    version: z.number().int(),
    chunk_id: z.uuid(),
    chunk_index: z.number().int(),
    section: z.string().nullable().openapi({ description: "Heading path or sheet name" }),
    page: z.number().int().nullable(),
    score: z.number(),
    snippet: z.string(),
  })
  .openapi("Citation");

export const KnowledgeHitSchema = CitationSchema.extend({
  text_rank: z.number().int().nullable().openapi({ description: "Rank among full-text candidates (null: not one)" }),
  vector_rank: z.number().int().nullable().openapi({ description: "Rank among vector candidates (null: not one)" }),
  vector_similarity: z.number().nullable(),
  content: z.string(),
}).openapi("KnowledgeHit");

export const KnowledgeSearchResponse = z
  .object({
    query: z.string(),
    mode: z.enum(["hybrid", "fulltext", "vector"]),
    top_k: z.number().int(),
    results: z.array(KnowledgeHitSchema),
    embedding_model: z.string().nullable(),
    reranked: z.boolean(),
  })
  .openapi("KnowledgeSearchResponse");

export const IndexStatusSchema = z.enum(["none", "queued", "extracting", "indexing", "ready", "failed", "stale"]).openapi("IndexStatus");

export const DocumentIndexSchema = z
  .object({
    document_id: z.uuid(),
    index_status: IndexStatusSchema,
    index_error: z.string().nullable(),
    current_version: z.number().int(),
    indexed_version: z.number().int().nullable(),
    stale: z.boolean().openapi({ description: "A newer version exists than the one in the index (that one still serves)" }),
    indexed_at: isoDate.nullable(),
    chunk_count: z.number().int().openapi({ description: "Chunks of the indexed version" }),
    versions_indexed: z.array(z.object({ version: z.number().int(), chunk_count: z.number().int() })),
    status: z.enum(["uploaded", "processing", "processed", "failed"]),
    status_error: z.string().nullable(),
  })
  .openapi("DocumentIndex");

export const ReindexJobSchema = z
  .object({
    job_id: z.uuid(),
    status: z.enum(["QUEUED", "COMPLETED"]),
    total_documents: z.number().int(),
  })
  .openapi("KnowledgeReindexJob");

export const SummaryQuery = z.object({
  force_regenerate: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1")
    .openapi({ description: "Regenerate even if a cached summary is current" }),
});

export const DocumentSummarySchema = z
  .object({
    document_id: z.uuid(),
    version: z.number().int(),
    summary: z.string(),
    generated_at: isoDate,
    cached: z.boolean(),
    model: z.string().nullable(),
    citations: z.array(CitationSchema),
  })
  .openapi("DocumentAiSummary");

export const SuggestionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(20).default(10),
});

export const RelationshipSuggestionsSchema = z
  .object({
    document_id: z.uuid(),
    suggestions: z.array(
      z.object({
        target_type: z.enum(["document", "record", "task", "channel"]),
        target_id: z.uuid(),
        name: z.string(),
        confidence: z.number().min(0).max(1),
        reason: z.string(),
        source: z
          .enum(["ai", "retrieval"])
          .openapi({ description: "ai: scored and explained by the model; retrieval: by similarity alone" }),
      }),
    ),
    model: z.string().nullable(),
  })
  .openapi("RelationshipSuggestions");
