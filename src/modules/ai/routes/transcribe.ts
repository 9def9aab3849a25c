import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { TranscriptionSchema, TranscriptionUpload } from "../schemas";
import { transcribeAudio } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/transcription/transcribe",
  tags: ["AI - Transcription"],
  summary: "Transcribe an audio file to text using OpenAI Whisper.",
  description:
    "Multipart `file` (webm, mp3, mp4, wav, m4a, ogg, flac; up to 25 MB → 413 above; other formats 415), optional " +
    "language hint, prompt and model (default whisper-1). Needs can_use_ai.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    body: { required: true, content: { "multipart/form-data": { schema: TranscriptionUpload } } },
  },
  responses: { 200: json(TranscriptionSchema, "The transcript"), ...errorResponses(401, 402, 403, 404, 413, 415, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const form = c.req.valid("form");
  return c.json(
    await transcribeAudio(c.var.ctx, {
      file: form.file instanceof File ? form.file : undefined,
      language: form.language,
      prompt: form.prompt,
      model: form.model,
    }),
    200,
  );
};

export const registerTranscribe = (r: Router) => r.openapi(route, handler);
