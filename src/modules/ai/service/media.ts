import { analyzeImages, creditsFor, DEFAULT_MODELS, generateImages, IMAGE_SIZES, modelsWith, transcribe } from "../../../platform/ai";
import { billingState, usageOf as limitUsage } from "../../../platform/billing/limits";
import type { ServiceContext } from "../../../platform/context";
import { ServiceError } from "../../../platform/errors";
import { requirePermission } from "../../permissions/service";
import type { ImageGenerateRequest, VisionRequest } from "../schemas";
import { usageOf } from "./llm";

/** Image models, their prices and the plan's monthly image limit. Any member. */
export async function listImageModels(ctx: ServiceContext) {
  const [state, used] = await Promise.all([billingState(ctx), limitUsage(ctx, "image_generations")]);
  return {
    models: modelsWith("images").map((m) => ({
      id: m.id,
      name: m.id,
      display_name: m.displayName,
      provider: m.provider,
      description: m.description,
      price_per_image: m.unitPrice ?? 0,
      credits_per_image: creditsFor("image", 0, 1),
      sizes: [...IMAGE_SIZES],
      is_default: m.id === DEFAULT_MODELS.images,
    })),
    default_model: DEFAULT_MODELS.images,
    limits: { plan: state.tier.id, images_per_month: state.limits.image_generations, used_this_month: used },
  };
}

/** Text to image, stored in R2, signed URLs back. Needs can_use_ai; 402 over credits (insufficient_credits) or the plan's image limit (limit_exceeded). */
export async function generateImage(ctx: ServiceContext, input: ImageGenerateRequest) {
  await requirePermission(ctx, "can_use_ai");
  const r = await generateImages(ctx, { prompt: input.prompt, model: input.model, n: input.n, size: input.size });
  return {
    images: r.images.map((i) => ({ url: i.url, expires_at: i.expires_at, storage_key: i.key, revised_prompt: i.revised_prompt })),
    model: r.model,
    prompt: input.prompt,
    credits: r.credits,
    created_at: new Date().toISOString(),
  };
}

/** 1–5 data-URL images and a prompt. Needs can_use_ai. */
export async function analyzeVision(ctx: ServiceContext, input: VisionRequest) {
  await requirePermission(ctx, "can_use_ai");
  const r = await analyzeImages(ctx, { prompt: input.prompt, images: input.images, model: input.model, maxTokens: input.max_tokens });
  return { analysis: r.text, model: r.model, image_count: input.images.length, usage: usageOf(r), credits: r.credits };
}

/** Speech to text (up to 25 MB). Needs can_use_ai. */
export async function transcribeAudio(
  ctx: ServiceContext,
  input: { file: File | undefined; language?: string | undefined; prompt?: string | undefined; model?: string | undefined },
) {
  await requirePermission(ctx, "can_use_ai");
  if (!input.file) {
    throw new ServiceError("validation_error", "Attach the audio as the multipart field `file`", {
      issues: [{ loc: ["body", "file"], msg: "An audio file is required", type: "missing" }],
    });
  }
  const filename = input.file.name || "audio.webm";
  const r = await transcribe(ctx, { file: input.file, filename, language: input.language, prompt: input.prompt, model: input.model });
  return { ...r, filename, size_bytes: input.file.size };
}
