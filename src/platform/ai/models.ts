import { ServiceError } from "../errors";

/**
 * The model registry: every model the gateway will route to. The model server behind them is one
 * OpenAI-compatible endpoint (OPENAI_BASE_URL): OpenAI itself, or a router such as LiteLLM or
 * OpenRouter that also serves Anthropic models under these names; locally scripts/ai-server.ts,
 * which answers every name as the development model.
 */
export const CAPABILITIES = ["streaming", "vision", "tools", "json_schema", "images", "transcription", "embeddings"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface ModelInfo {
  id: string;
  provider: "atrium" | "openai" | "anthropic";
  displayName: string;
  description: string;
  /** Tokens the model accepts (prompt + completion); 0 for models that take no prompt tokens. */
  contextWindow: number;
  /** Largest completion the gateway asks for. */
  maxOutputTokens: number;
  /** USD per million tokens. */
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  /** USD per generated image (image models) or per audio minute (transcription models). */
  unitPrice?: number;
  capabilities: Capability[];
}

const CHAT: Capability[] = ["streaming", "vision", "tools", "json_schema"];

export const MODELS: readonly ModelInfo[] = [
  {
    id: "atrium-dev-1",
    provider: "atrium",
    displayName: "Atrium development model",
    description: "Deterministic local model (scripts/ai-server.ts) for development and tests; free.",
    contextWindow: 32_768,
    maxOutputTokens: 4_096,
    inputPricePerMillion: 0,
    outputPricePerMillion: 0,
    unitPrice: 0,
    capabilities: [...CAPABILITIES],
  },
  {
    id: "gpt-4o-mini",
    provider: "openai",
    displayName: "GPT-4o mini",
    description: "Fast, inexpensive model for everyday tasks.",
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    inputPricePerMillion: 0.15,
    outputPricePerMillion: 0.6,
    capabilities: CHAT,
  },
  {
    id: "gpt-4o",
    provider: "openai",
    displayName: "GPT-4o",
    description: "OpenAI's flagship multimodal model.",
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    inputPricePerMillion: 2.5,
    outputPricePerMillion: 10,
    capabilities: CHAT,
  },
  {
    id: "claude-sonnet-4-5",
    provider: "anthropic",
    displayName: "Claude Sonnet 4.5",
    description: "Anthropic's balanced model for analysis, writing and vision.",
    contextWindow: 200_000,
    maxOutputTokens: 16_384,
    inputPricePerMillion: 3,
    outputPricePerMillion: 15,
    capabilities: CHAT,
  },
  {
    id: "claude-haiku-4-5",
    provider: "anthropic",
    displayName: "Claude Haiku 4.5",
    description: "Anthropic's fastest model.",
    contextWindow: 200_000,
    maxOutputTokens: 8_192,
    inputPricePerMillion: 1,
    outputPricePerMillion: 5,
    capabilities: CHAT,
  },
  {
    id: "gpt-image-1",
    provider: "openai",
    displayName: "GPT Image 1",
    description: "Image generation from a text prompt.",
    contextWindow: 0,
    maxOutputTokens: 0,
    inputPricePerMillion: 5,
    outputPricePerMillion: 40,
    unitPrice: 0.04,
    capabilities: ["images"],
  },
  {
    id: "dall-e-3",
    provider: "openai",
    displayName: "DALL·E 3",
    description: "Image generation from a text prompt.",
    contextWindow: 0,
    maxOutputTokens: 0,
    inputPricePerMillion: 0,
    outputPricePerMillion: 0,
    unitPrice: 0.04,
    capabilities: ["images"],
  },
  {
    id: "whisper-1",
    provider: "openai",
    displayName: "Whisper",
    description: "Speech to text.",
    contextWindow: 0,
    maxOutputTokens: 0,
    inputPricePerMillion: 0,
    outputPricePerMillion: 0,
    unitPrice: 0.006,
    capabilities: ["transcription"],
  },
  {
    id: "text-embedding-3-small",
    provider: "openai",
    displayName: "Text Embedding 3 Small",
    description: "1536-dimensional text embeddings.",
    contextWindow: 8_191,
    maxOutputTokens: 0,
    inputPricePerMillion: 0.02,
    outputPricePerMillion: 0,
    capabilities: ["embeddings"],
  },
];

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

/** Gateway defaults per capability, when neither the request nor the workspace names a model. */
export const DEFAULT_MODELS: Record<"chat" | "images" | "transcription" | "embeddings", string> = {
  chat: "gpt-4o-mini",
  images: "gpt-image-1",
  transcription: "whisper-1",
  embeddings: "text-embedding-3-small",
};

export const getModel = (id: string): ModelInfo | undefined => BY_ID.get(id);
export const modelsWith = (cap: Capability) => MODELS.filter((m) => m.capabilities.includes(cap));

/** The registered model `id` with capability `cap`, or 422 listing the valid ones. */
export function resolveModel(id: string, cap: Capability, loc: (string | number)[] = ["body", "model"]): ModelInfo {
  const m = BY_ID.get(id);
  if (m?.capabilities.includes(cap)) return m;
  const valid = modelsWith(cap).map((x) => x.id);
  const msg = m
    ? `Model ${id} does not support ${cap}; valid models: ${valid.join(", ")}`
    : `Unknown model ${id}; valid models: ${valid.join(", ")}`;
  throw new ServiceError("validation_error", msg, { issues: [{ loc, msg, type: "unknown_model" }] });
}

/** USD cost of a token-priced call. */
export const tokenCost = (m: ModelInfo, promptTokens: number, completionTokens: number) =>
  (promptTokens * m.inputPricePerMillion + completionTokens * m.outputPricePerMillion) / 1_000_000;

/** A cheap, conservative token estimate (about 4 characters per token) for the context-window check. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);
