-- Custom migration: one query text for vector search on Neon (pgvector) and on a PostgreSQL
-- without it (the local embedded server). Embeddings are unit-length real[256];
-- vec_cosine_distance(a, b) is pgvector's `<=>` where the extension exists (an inlinable SQL
-- wrapper, so ORDER BY vec_cosine_distance(embedding, $q) LIMIT k uses the HNSW expression
-- index) and an exact dot product elsewhere (a sequential scan: ≈ tens of µs a row).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE OR REPLACE FUNCTION vec_cosine_distance(a real[], b real[]) RETURNS double precision
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS 'SELECT (a::vector(256)) <=> (b::vector(256))';
    CREATE INDEX IF NOT EXISTS knowledge_chunks_embedding_hnsw
      ON knowledge_chunks USING hnsw ((embedding::vector(256)) vector_cosine_ops);
  ELSE
    CREATE OR REPLACE FUNCTION vec_cosine_distance(a real[], b real[]) RETURNS double precision
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS 'SELECT 1 - sum(x::double precision * y) FROM unnest(a, b) AS t(x, y)';
  END IF;
END
$$;
--> statement-breakpoint
-- Fuzzy title search (linkable entities, document search).
CREATE INDEX IF NOT EXISTS documents_title_trgm_idx ON documents USING gin (title gin_trgm_ops);
