-- Custom migration (drizzle-kit generate --custom): drizzle-kit cannot emit CREATE EXTENSION.
-- pg_trgm backs the trigram index on records.search_text (a trusted extension, also on Neon).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
