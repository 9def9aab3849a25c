import { handlers } from "../../../queues";
import { createRouter } from "../../platform/hono";
import { INDEX_MESSAGE } from "../documents/internal";
import { REINDEX_MESSAGE } from "./internal";
import { registerAiSummary } from "./routes/ai-summary";
import { registerGetDocumentIndex } from "./routes/get-document-index";
import { registerReindexDocument } from "./routes/reindex-document";
import { registerReindexJobStream } from "./routes/reindex-job-stream";
import { registerReindexWorkspace } from "./routes/reindex-workspace";
import { registerRelationshipSuggestions } from "./routes/relationship-suggestions";
import { registerRetryDocument } from "./routes/retry-document";
import { registerSearchKnowledge } from "./routes/search";
import { runIndexMessage } from "./service/indexer";
import { runReindexMessage } from "./service/lifecycle";

/**
 * Knowledge: the index of documents (extraction, chunks, embeddings, lifecycle), hybrid
 * retrieval with citations, and what is built on it (document summaries, relationship
 * suggestions). Also the IMPORTS_QUEUE consumer of document.index and knowledge.reindex.
 * GET /api/v1/ai/rag/health (the ai module's route) reports this index's freshness.
 */
export const knowledgeRouter = createRouter();
registerSearchKnowledge(knowledgeRouter);
registerReindexWorkspace(knowledgeRouter);
registerReindexJobStream(knowledgeRouter);
registerGetDocumentIndex(knowledgeRouter);
registerReindexDocument(knowledgeRouter);
registerRetryDocument(knowledgeRouter);
registerAiSummary(knowledgeRouter);
registerRelationshipSuggestions(knowledgeRouter);

handlers.set(INDEX_MESSAGE, runIndexMessage);
handlers.set(REINDEX_MESSAGE, runReindexMessage);

export { type Citation, citationOf, type KnowledgeHit, type KnowledgeSearchOptions, searchKnowledge } from "./service/search";
