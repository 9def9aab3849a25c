import { sql } from "drizzle-orm";
import { customType, index, integer, pgTable, real, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, pk } from "../../platform/db/columns";
import { documents } from "../documents/tables";

/** Length of every stored embedding (the HNSW index on Neon is built for exactly this many). */
export const EMBEDDING_DIMENSIONS = 256;

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * Tenant database: the knowledge index. One row per chunk of an indexed document version;
 * `embedding` is a unit vector (real[], compared with vec_cosine_distance(), which is pgvector's
 * `<=>` where the extension exists and an exact dot product elsewhere: migration 0017).
 */
export const knowledgeChunks = pgTable(
  "knowledge_chunks",
  {
    id: pk(),
    documentId: uuid("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    versionNumber: integer("version_number").notNull(),
    chunkIndex: integer("chunk_index").notNull(),
    /** Heading path ("Pricing > Enterprise") or sheet name. */
    section: text("section"),
    page: integer("page"),
    content: text("content").notNull(),
    tokenCount: integer("token_count").notNull(),
    embedding: real("embedding").array(),
    embeddingModel: text("embedding_model"),
    tsv: tsvector("tsv").generatedAlwaysAs(sql`to_tsvector('english', coalesce(section, '') || ' ' || content)`),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("knowledge_chunks_key").on(t.documentId, t.versionNumber, t.chunkIndex),
    index("knowledge_chunks_tsv_idx").using("gin", t.tsv),
  ],
);
