import { toFile } from "openai";
import type { ServiceContext } from "../context";
import { fromBase64Url } from "../crypto";
import { ServiceError } from "../errors";
import { uuidv7 } from "../ids";
import { signDownloadUrl } from "../signed-urls";
import { client, providerError } from "./client";
import { type ChatResult, type ContentPart, estimatePromptTokens, failed, guarded, type Prepared, prepare, runChat } from "./gateway";
import { estimateTokens } from "./models";
import { recordCall } from "./usage";

// ---- vision ---------------------------------------------------------------------------------

export const MAX_VISION_IMAGES = 5;
/** Per image, decoded (the usual provider limit). */
export const MAX_VISION_IMAGE_BYTES = 20 * 1024 * 1024;
const DATA_URL = /^data:image\/(png|jpeg|jpg|gif|webp);base64,([A-Za-z0-9+/=\s]+)$/;

/** 1–5 data-URL images with a prompt, answered by a vision-capable chat model. */
export async function analyzeImages(
  ctx: ServiceContext,
  req: {
    prompt: string;
    images: string[];
    model?: string | undefined;
    maxTokens?: number | undefined;
    systemPrompt?: string | undefined;
    operation?: string;
  },
): Promise<ChatResult> {
  if (req.images.length < 1 || req.images.length > MAX_VISION_IMAGES) {
    throw new ServiceError("validation_error", `Send 1 to ${MAX_VISION_IMAGES} images`, {
      issues: [{ loc: ["body", "images"], msg: `Send 1 to ${MAX_VISION_IMAGES} images`, type: "value_error" }],
    });
  }
  req.images.forEach((url, i) => {
    const m = DATA_URL.exec(url);
    if (!m) {
      throw new ServiceError("validation_error", "Each image must be a base64 data URL (data:image/png|jpeg|gif|webp;base64,…)", {
        issues: [{ loc: ["body", "images", i], msg: "Expected a base64 image data URL", type: "value_error" }],
      });
    }
    if (Math.floor((m[2]!.length * 3) / 4) > MAX_VISION_IMAGE_BYTES) {
      throw new ServiceError("payload_too_large", `Image ${i + 1} is larger than ${MAX_VISION_IMAGE_BYTES / 1024 / 1024} MB`);
    }
  });
  const content: ContentPart[] = [
    { type: "text", text: req.prompt },
    ...req.images.map((url) => ({ type: "image_url" as const, image_url: { url } })),
  ];
  const messages = [
    ...(req.systemPrompt ? [{ role: "system" as const, content: req.systemPrompt }] : []),
    { role: "user" as const, content },
  ];
  const p = await prepare(ctx, {
    model: req.model,
    kind: "vision",
    operation: req.operation ?? "vision",
    needs: ["vision"],
    promptTokens: estimatePromptTokens(messages),
    maxTokens: req.maxTokens,
  });
  return runChat(ctx, p, { operation: p.operation, messages, maxTokens: req.maxTokens });
}

// ---- transcription --------------------------------------------------------------------------

export const MAX_AUDIO_BYTES = 25 * 1024 * 1024;
export const AUDIO_EXTENSIONS = ["webm", "mp3", "mp4", "mpeg", "mpga", "wav", "m4a", "ogg", "oga", "flac"];

export interface Transcript {
  text: string;
  language: string | null;
  duration_seconds: number | null;
  model: string;
  credits: number;
}

/** Speech to text; audio over 25 MB is a 413 before anything else happens. */
export async function transcribe(
  ctx: ServiceContext,
  req: { file: Blob; filename: string; language?: string | undefined; prompt?: string | undefined; model?: string | undefined },
): Promise<Transcript> {
  if (req.file.size > MAX_AUDIO_BYTES) throw new ServiceError("payload_too_large", "Audio files can be at most 25 MB");
  if (req.file.size === 0) {
    throw new ServiceError("validation_error", "The audio file is empty", {
      issues: [{ loc: ["body", "file"], msg: "The audio file is empty", type: "value_error" }],
    });
  }
  const ext = req.filename.split(".").pop()?.toLowerCase() ?? "";
  if (!AUDIO_EXTENSIONS.includes(ext)) {
    const msg = `Unsupported audio format .${ext}; use one of ${AUDIO_EXTENSIONS.join(", ")}`;
    throw new ServiceError("unsupported_media_type", msg);
  }
  const p = await prepare(ctx, {
    model: req.model,
    kind: "transcription",
    operation: "transcription",
    needs: ["transcription"],
    promptTokens: 0,
    defaultFor: "transcription",
  });
  const started = Date.now();
  let res: { text: string; language?: string; duration?: number };
  try {
    res = (await client(ctx).audio.transcriptions.create({
      file: await toFile(req.file, req.filename),
      model: p.model.id,
      response_format: "verbose_json",
      ...(req.language ? { language: req.language } : {}),
      ...(req.prompt ? { prompt: req.prompt } : {}),
    })) as { text: string; language?: string; duration?: number };
  } catch (e) {
    throw await failed(ctx, p, started, providerError(ctx, e));
  }
  const seconds = typeof res.duration === "number" ? res.duration : null;
  const { credits } = await recordCall(
    ctx,
    {
      model: p.model,
      operation: p.operation,
      kind: p.kind,
      status: "ok",
      // Priced per started audio minute (unit price is per minute).
      units: seconds === null ? 1 : Math.max(1, Math.ceil(seconds / 60)),
      latencyMs: Date.now() - started,
      free: p.free,
      metadata: { bytes: req.file.size, filename: req.filename },
    },
    p.stamp,
    p.hold,
  );
  return { text: res.text, language: res.language ?? null, duration_seconds: seconds, model: p.model.id, credits };
}

// ---- image generation -----------------------------------------------------------------------

export const IMAGE_SIZES = ["256x256", "512x512", "1024x1024", "1024x1536", "1536x1024", "1792x1024", "1024x1792"] as const;
export type ImageSize = (typeof IMAGE_SIZES)[number];
const SIGNED_URL_TTL_SECONDS = 24 * 60 * 60;

export interface GeneratedImage {
  key: string;
  url: string;
  expires_at: string;
  revised_prompt: string | null;
}

/**
 * Text to image. The plan's monthly image limit (402 limit_exceeded) and the credits (402
 * insufficient_credits) are checked first;
 * images are stored in R2 and returned as signed download URLs.
 */
export async function generateImages(
  ctx: ServiceContext,
  req: { prompt: string; model?: string | undefined; n?: number | undefined; size?: ImageSize | undefined },
): Promise<{ images: GeneratedImage[]; model: string; credits: number }> {
  const n = req.n ?? 1;
  const p = await prepare(ctx, {
    model: req.model,
    kind: "image",
    operation: "image",
    needs: ["images"],
    promptTokens: estimateTokens(req.prompt),
    units: n,
    images: n,
    defaultFor: "images",
  });
  return guarded(ctx, p, () => runImages(ctx, p, req, n));
}

async function runImages(
  ctx: ServiceContext,
  p: Prepared,
  req: { prompt: string; size?: ImageSize | undefined },
  n: number,
): Promise<{ images: GeneratedImage[]; model: string; credits: number }> {
  const started = Date.now();
  let data: { b64_json?: string | undefined; url?: string | undefined; revised_prompt?: string | undefined }[];
  try {
    const res = await client(ctx).images.generate({
      model: p.model.id,
      prompt: req.prompt,
      n,
      ...(req.size ? { size: req.size as "1024x1024" } : {}),
      // gpt-image-1 always answers base64 and rejects the parameter.
      ...(p.model.id === "gpt-image-1" ? {} : { response_format: "b64_json" as const }),
    });
    data = res.data ?? [];
    if (data.length === 0) throw new Error("no images in the answer");
  } catch (e) {
    throw await failed(ctx, p, started, providerError(ctx, e));
  }
  const ws = ctx.workspace?.id ?? "none";
  const images: GeneratedImage[] = [];
  for (const d of data) {
    let bytes: Uint8Array;
    let contentType = "image/png";
    if (d.b64_json) bytes = fromBase64Url(d.b64_json);
    else if (d.url) {
      const r = await fetch(d.url);
      if (!r.ok) throw providerError(ctx, new Error(`image download failed: ${r.status}`));
      contentType = r.headers.get("content-type") ?? contentType;
      bytes = new Uint8Array(await r.arrayBuffer());
    } else continue;
    const key = `ai-images/${ws}/${uuidv7()}.png`;
    await ctx.env.FILES.put(key, bytes, {
      httpMetadata: { contentType },
      customMetadata: { filename: "generated.png", prompt: req.prompt.slice(0, 500), model: p.model.id },
    });
    const signed = await signDownloadUrl({
      secret: ctx.env.SIGNING_KEY,
      baseUrl: ctx.env.API_URL,
      key,
      ttlSeconds: SIGNED_URL_TTL_SECONDS,
    });
    images.push({ key, url: signed.url, expires_at: signed.expires_at, revised_prompt: d.revised_prompt ?? null });
  }
  const { credits } = await recordCall(
    ctx,
    {
      model: p.model,
      operation: p.operation,
      kind: p.kind,
      status: "ok",
      units: images.length,
      latencyMs: Date.now() - started,
      free: p.free,
      metadata: { keys: images.map((i) => i.key) },
    },
    p.stamp,
    p.hold,
  );
  return { images, model: p.model.id, credits };
}

// ---- embeddings -----------------------------------------------------------------------------

export const MAX_EMBEDDING_INPUTS = 256;

/**
 * Vectors for up to 256 texts, in input order. `dimensions` asks the model for shorter vectors
 * (OpenAI's text-embedding-3 models accept it), e.g. the knowledge index's fixed length.
 */
export async function embed(
  ctx: ServiceContext,
  req: { input: string[]; model?: string | undefined; operation?: string; dimensions?: number | undefined },
): Promise<{ vectors: number[][]; model: string; usage: { promptTokens: number }; credits: number }> {
  if (req.input.length === 0 || req.input.length > MAX_EMBEDDING_INPUTS) {
    throw new ServiceError("validation_error", `Embed 1 to ${MAX_EMBEDDING_INPUTS} texts at a time`, {
      issues: [{ loc: ["body", "input"], msg: `Embed 1 to ${MAX_EMBEDDING_INPUTS} texts at a time`, type: "value_error" }],
    });
  }
  const estimate = req.input.reduce((n, t) => n + estimateTokens(t), 0);
  const p = await prepare(ctx, {
    model: req.model,
    kind: "embeddings",
    operation: req.operation ?? "embeddings",
    needs: ["embeddings"],
    promptTokens: 0,
    pricedTokens: estimate,
    defaultFor: "embeddings",
  });
  return guarded(ctx, p, () => runEmbed(ctx, p, req, estimate));
}

async function runEmbed(
  ctx: ServiceContext,
  p: Prepared,
  req: { input: string[]; dimensions?: number | undefined },
  estimate: number,
): Promise<{ vectors: number[][]; model: string; usage: { promptTokens: number }; credits: number }> {
  const tooLong = req.input.findIndex((t) => p.model.contextWindow > 0 && estimateTokens(t) > p.model.contextWindow);
  if (tooLong >= 0) throw new ServiceError("payload_too_large", `Text ${tooLong + 1} is longer than ${p.model.id} accepts`);
  const started = Date.now();
  let vectors: number[][];
  let promptTokens: number;
  try {
    const res = await client(ctx).embeddings.create({
      model: p.model.id,
      input: req.input,
      encoding_format: "float",
      ...(req.dimensions ? { dimensions: req.dimensions } : {}),
    });
    vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    promptTokens = res.usage?.prompt_tokens ?? estimate;
  } catch (e) {
    throw await failed(ctx, p, started, providerError(ctx, e));
  }
  const { credits } = await recordCall(
    ctx,
    {
      model: p.model,
      operation: p.operation,
      kind: p.kind,
      status: "ok",
      promptTokens,
      units: req.input.length,
      latencyMs: Date.now() - started,
      free: p.free,
    },
    p.stamp,
    p.hold,
  );
  return { vectors, model: p.model.id, usage: { promptTokens }, credits };
}
