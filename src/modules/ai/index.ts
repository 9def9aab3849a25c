import { createRouter } from "../../platform/hono";
import { registerAnalyzeVision } from "./routes/analyze-vision";
import { registerAssistant } from "./routes/assistant";
import { registerAssistantExplain } from "./routes/assistant-explain";
import { registerAssistantRealEstateAnalyze } from "./routes/assistant-real-estate-analyze";
import { registerAssistantUnderwriting } from "./routes/assistant-underwriting";
import { registerComplete } from "./routes/complete";
import { registerCompleteStream } from "./routes/complete-stream";
import { registerExtract } from "./routes/extract";
import { registerGenerateImage } from "./routes/generate-image";
import { registerGetPrompt } from "./routes/get-prompt";
import { registerListImageModels } from "./routes/list-image-models";
import { registerListLlmModels } from "./routes/list-llm-models";
import { registerListPrompts } from "./routes/list-prompts";
import { registerLlmUsage } from "./routes/llm-usage";
import { registerRagHealth } from "./routes/rag-health";
import { registerTranscribe } from "./routes/transcribe";

/**
 * AI (16 endpoints): AI - LLM (5), AI - RAG (1), AI - Image (2), AI - Vision (1), AI - Transcription (1),
 * AI Prompts (2), AI Assistant (4). Every model call goes through the gateway (src/platform/ai), which
 * checks credits first and records usage once per call. System prompts by context: prompts.ts.
 */
export const aiRouter = createRouter();
registerListLlmModels(aiRouter);
registerLlmUsage(aiRouter);
registerComplete(aiRouter);
registerCompleteStream(aiRouter);
registerExtract(aiRouter);

registerRagHealth(aiRouter);

registerListImageModels(aiRouter);
registerGenerateImage(aiRouter);

registerAnalyzeVision(aiRouter);

registerTranscribe(aiRouter);

registerListPrompts(aiRouter);
registerGetPrompt(aiRouter);

registerAssistant(aiRouter);
registerAssistantExplain(aiRouter);
registerAssistantRealEstateAnalyze(aiRouter);
registerAssistantUnderwriting(aiRouter);
