import { z } from "@hono/zod-openapi";
import { isoDate } from "../../platform/openapi";

const modelName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .openapi({ description: "A registered model id (422 lists the valid ones)", example: "gpt-4o-mini" });

export const UsageSchema = z
  .object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() })
  .openapi("AiTokenUsage");

// ---- models -----------------------------------------------------------------------------------

export const LlmModelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    display_name: z.string(),
    provider: z.string(),
    description: z.string(),
    context_window: z.number().int(),
    max_output_tokens: z.number().int(),
    input_price_per_million: z.number().openapi({ description: "USD per million prompt tokens" }),
    output_price_per_million: z.number().openapi({ description: "USD per million completion tokens" }),
    input_price_per_token: z.number(),
    output_price_per_token: z.number(),
    capabilities: z.object({ streaming: z.boolean(), vision: z.boolean(), tools: z.boolean(), json_schema: z.boolean() }),
    is_default: z.boolean(),
  })
  .openapi("LlmModel");
export const LlmModelListSchema = z
  .object({ models: z.array(LlmModelSchema), default_model: z.string(), total: z.number().int() })
  .openapi("LlmModelList");

export const ImageModelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    display_name: z.string(),
    provider: z.string(),
    description: z.string(),
    price_per_image: z.number().openapi({ description: "USD" }),
    credits_per_image: z.number().int(),
    sizes: z.array(z.string()),
    is_default: z.boolean(),
  })
  .openapi("ImageModel");
export const ImageModelListSchema = z
  .object({
    models: z.array(ImageModelSchema),
    default_model: z.string(),
    limits: z.object({
      plan: z.string(),
      images_per_month: z.number().int().nullable().openapi({ description: "null = unlimited" }),
      used_this_month: z.number().int(),
    }),
  })
  .openapi("ImageModelList");

// ---- usage ------------------------------------------------------------------------------------

export const UsageQuerySchema = z.object({
  start_date: z.string().max(40).optional().openapi({ description: "YYYY-MM-DD (default: first day of this month, UTC)" }),
  end_date: z.string().max(40).optional().openapi({ description: "YYYY-MM-DD, inclusive (default: today)" }),
  model: z.string().max(100).optional(),
  operation_type: z.string().max(100).optional().openapi({ description: "e.g. completion, stream, extract, image, vision, transcription" }),
});

const UsageFigures = {
  requests: z.number().int(),
  errors: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  cost_usd: z.number(),
  credits: z.number().int(),
};
export const LlmUsageSchema = z
  .object({
    start_date: z.string(),
    end_date: z.string(),
    totals: z.object(UsageFigures),
    by_model: z.array(z.object({ model: z.string(), ...UsageFigures })),
    by_operation: z.array(z.object({ operation: z.string(), ...UsageFigures })),
    daily: z.array(z.object({ date: z.string(), ...UsageFigures })),
    credits: z.object({ balance: z.number().int(), plan: z.string() }),
  })
  .openapi("LlmUsage");

// ---- completion -------------------------------------------------------------------------------

const HistoryMessage = z.object({ role: z.enum(["user", "assistant"]), content: z.string().max(200_000) });

export const CompletionRequest = z
  .object({
    prompt: z.string().min(1).max(1_000_000).openapi({ description: "The user's prompt" }),
    system_prompt: z.string().max(50_000).optional(),
    prompt_context: z
      .string()
      .max(100)
      .optional()
      .openapi({ description: "A system prompt by context (GET /api/v1/ai/prompts); used when system_prompt is absent" }),
    messages: z.array(HistoryMessage).max(100).optional().openapi({ description: "Earlier turns, oldest first" }),
    model: modelName.optional().openapi({ description: "Default: the workspace's default model" }),
    max_tokens: z.number().int().min(1).max(16_384).optional(),
    temperature: z.number().min(0).max(2).optional(),
  })
  .openapi("CompletionRequest");
export type CompletionRequest = z.infer<typeof CompletionRequest>;

export const CompletionSchema = z
  .object({
    content: z.string(),
    model: z.string(),
    finish_reason: z.string(),
    usage: UsageSchema,
    estimated_cost: z.number().openapi({ description: "USD, from the model's list prices" }),
    credits: z.number().int().openapi({ description: "AI credits charged" }),
    latency_ms: z.number().int(),
  })
  .openapi("Completion");

export const ExtractRequest = z
  .object({
    text: z.string().min(1).max(500_000),
    schema: z.record(z.string(), z.unknown()).openapi({ description: "JSON Schema of the object to extract (type: object)" }),
    instructions: z.string().max(10_000).optional(),
    model: modelName.optional(),
  })
  .openapi("ExtractRequest");
export type ExtractRequest = z.infer<typeof ExtractRequest>;

export const ExtractionSchema = z
  .object({
    data: z.record(z.string(), z.unknown()).openapi({ description: "The extracted object, valid against the schema" }),
    model: z.string(),
    usage: UsageSchema,
    credits: z.number().int(),
    attempts: z.number().int().openapi({ description: "2 when a repair retry was needed" }),
  })
  .openapi("Extraction");

// ---- RAG --------------------------------------------------------------------------------------

const count = z.number().int();
export const RagIndexHealthSchema = z
  .object({
    documents: count.openapi({ description: "Documents with a file" }),
    by_status: z.object({ none: count, queued: count, extracting: count, indexing: count, ready: count, failed: count, stale: count }),
    pending: count.openapi({ description: "Queued, extracting or indexing" }),
    stale: count.openapi({ description: "A newer version exists than the indexed one" }),
    failed: count,
    oldest_queued_age_seconds: count.nullable().openapi({ description: "How long the longest-waiting document has been pending" }),
    last_indexed_at: z.string().nullable(),
    chunks: count,
    embedding_models: z.array(z.string()),
    failed_documents: z.array(z.object({ id: z.uuid(), title: z.string(), error: z.string().nullable(), updated_at: z.string() })),
    stale_documents: z.array(
      z.object({ id: z.uuid(), title: z.string(), current_version: count, indexed_version: count.nullable(), status: z.string() }),
    ),
  })
  .openapi("RagIndexHealth");

export const RagHealthSchema = z
  .object({
    status: z.string().openapi({ description: "ok, or degraded when documents of the workspace failed to index" }),
    rag_enabled: z.boolean(),
    embedding_model: z.string(),
    embedding_dimensions: z.number().int(),
    message: z.string(),
    index: RagIndexHealthSchema.nullable().openapi({
      description: "The workspace's index freshness (with X-Workspace-Id; documents listed by name are those the caller can open)",
    }),
  })
  .openapi("RagHealth");

// ---- images -----------------------------------------------------------------------------------

export const ImageGenerateRequest = z
  .object({
    prompt: z.string().trim().min(1).max(4_000),
    model: modelName.optional().openapi({ description: "Default: gpt-image-1" }),
    n: z.number().int().min(1).max(4).optional().openapi({ description: "Images to generate (default 1)" }),
    size: z.enum(["256x256", "512x512", "1024x1024", "1024x1536", "1536x1024", "1792x1024", "1024x1792"]).optional(),
  })
  .openapi("ImageGenerateRequest");
export type ImageGenerateRequest = z.infer<typeof ImageGenerateRequest>;

export const GeneratedImagesSchema = z
  .object({
    images: z.array(
      z.object({
        url: z.string().openapi({ description: "Signed download URL" }),
        expires_at: isoDate,
        storage_key: z.string(),
        revised_prompt: z.string().nullable(),
      }),
    ),
    model: z.string(),
    prompt: z.string(),
    credits: z.number().int(),
    created_at: isoDate,
  })
  .openapi("GeneratedImages");

// ---- vision -----------------------------------------------------------------------------------

export const VisionRequest = z
  .object({
    prompt: z.string().trim().min(1).max(20_000),
    images: z.array(z.string().min(1)).min(1).max(5).openapi({ description: "1–5 base64 data URLs (data:image/png;base64,…)" }),
    model: modelName.optional(),
    max_tokens: z.number().int().min(1).max(16_384).optional(),
  })
  .openapi("VisionRequest");
export type VisionRequest = z.infer<typeof VisionRequest>;

export const VisionAnalysisSchema = z
  .object({
    analysis: z.string(),
    model: z.string(),
    image_count: z.number().int(),
    usage: UsageSchema,
    credits: z.number().int(),
  })
  .openapi("VisionAnalysis");

// ---- transcription ----------------------------------------------------------------------------

export const TranscriptionUpload = z
  .object({
    file: z.any().openapi({ type: "string", format: "binary", description: "webm, mp3, mp4, wav, m4a, ogg or flac; up to 25 MB" }),
    language: z.string().max(20).optional().openapi({ description: "ISO-639-1 hint, e.g. en" }),
    prompt: z.string().max(2_000).optional(),
    model: z.string().max(100).optional(),
  })
  .openapi("TranscriptionUpload");

export const TranscriptionSchema = z
  .object({
    text: z.string(),
    language: z.string().nullable(),
    duration_seconds: z.number().nullable(),
    model: z.string(),
    filename: z.string(),
    size_bytes: z.number().int(),
    credits: z.number().int(),
  })
  .openapi("Transcription");

// ---- prompts ----------------------------------------------------------------------------------

export const PromptListSchema = z
  .object({
    contexts: z.array(z.string()),
    prompts: z.array(z.object({ context: z.string(), name: z.string(), description: z.string() })),
    total: z.number().int(),
  })
  .openapi("PromptList");
export const PromptSchema = z
  .object({ context: z.string(), name: z.string(), description: z.string(), system_prompt: z.string(), version: z.string() })
  .openapi("Prompt");
export const PromptParams = z.object({
  context: z
    .string()
    .max(100)
    .openapi({ param: { name: "context", in: "path" }, example: "chat" }),
});

// ---- assistant --------------------------------------------------------------------------------

export const ASSISTANT_TYPES = [
  "general_assistant",
  "real_estate_analyzer",
  "deal_evaluator",
  "educational_tutor",
  "underwriting_creator",
] as const;

export const AssistantRequest = z
  .object({
    message: z.string().trim().min(1).max(50_000),
    assistant_type: z.enum(ASSISTANT_TYPES).optional().openapi({ description: "Default general_assistant" }),
    context: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Extra facts for the assistant (deal numbers, course, …)" }),
    history: z.array(HistoryMessage).max(50).optional(),
    model: modelName.optional(),
  })
  .openapi("AssistantRequest");
export type AssistantRequest = z.infer<typeof AssistantRequest>;

export const AssistantResponseSchema = z
  .object({
    assistant_type: z.string(),
    response: z.string(),
    model: z.string(),
    usage: UsageSchema,
    credits: z.number().int(),
  })
  .openapi("AssistantResponse");

export const ExplainRequest = z
  .object({
    concept: z.string().trim().min(1).max(500),
    level: z.enum(["beginner", "intermediate", "advanced"]).optional().openapi({ description: "Default beginner" }),
    context: z.string().max(5_000).optional().openapi({ description: "What the learner is working on" }),
    model: modelName.optional(),
  })
  .openapi("ExplainRequest");
export type ExplainRequest = z.infer<typeof ExplainRequest>;

const money = z.number().min(0).max(1e12);
const pct = z.number().min(-100).max(100);

export const PropertyAnalyzeRequest = z
  .object({
    address: z.string().max(500).optional(),
    property_type: z.string().max(100).optional().openapi({ example: "multifamily" }),
    purchase_price: money,
    monthly_rent: money.optional(),
    units: z.number().int().min(1).max(100_000).optional(),
    square_feet: z.number().min(0).max(1e9).optional(),
    annual_expenses: money.optional(),
    down_payment_percent: z.number().min(0).max(100).optional(),
    interest_rate: z.number().min(0).max(50).optional(),
    notes: z.string().max(10_000).optional(),
    model: modelName.optional(),
  })
  .openapi("PropertyAnalyzeRequest");
export type PropertyAnalyzeRequest = z.infer<typeof PropertyAnalyzeRequest>;

export const UnderwritingRequest = z
  .object({
    property_name: z.string().max(500).optional(),
    purchase_price: money,
    gross_potential_rent: money.openapi({ description: "Annual" }),
    vacancy_rate: z.number().min(0).max(100).optional().openapi({ description: "Percent; default 5" }),
    operating_expenses: money.openapi({ description: "Annual" }),
    loan_amount: money.optional(),
    interest_rate: z.number().min(0).max(50).optional().openapi({ description: "Percent" }),
    amortization_years: z.number().int().min(1).max(50).optional(),
    rent_growth: pct.optional().openapi({ description: "Percent per year; default 3" }),
    expense_growth: pct.optional().openapi({ description: "Percent per year; default 3" }),
    exit_cap_rate: z.number().min(0.1).max(50).optional().openapi({ description: "Percent; default: going-in cap rate" }),
    hold_years: z.number().int().min(1).max(30).optional().openapi({ description: "Default 10" }),
    discount_rate: z.number().min(0).max(50).optional().openapi({ description: "Percent, for NPV; default 8" }),
    notes: z.string().max(10_000).optional(),
    model: modelName.optional(),
  })
  .openapi("UnderwritingRequest");
export type UnderwritingRequest = z.infer<typeof UnderwritingRequest>;

export const StructuredAnswerSchema = z
  .object({
    analysis: z
      .record(z.string(), z.unknown())
      .openapi({ description: "The structured answer (shape per endpoint, validated against its JSON Schema)" }),
    metrics: z.record(z.string(), z.unknown()).optional().openapi({ description: "Figures computed by Atrium, not by the model" }),
    model: z.string(),
    usage: UsageSchema,
    credits: z.number().int(),
  })
  .openapi("StructuredAnswer");
