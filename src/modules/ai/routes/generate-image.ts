import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { GeneratedImagesSchema, ImageGenerateRequest } from "../schemas";
import { generateImage } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/image/generate",
  tags: ["AI - Image"],
  summary: "Generate images using the workspace's default or specified model.",
  description:
    "Needs can_use_ai. 1–4 images, stored in the workspace's file storage and returned as signed URLs (24 h). " +
    "402 when credits or the plan's monthly image limit do not allow it (checked before the model is called).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ImageGenerateRequest) },
  responses: { 200: json(GeneratedImagesSchema, "The images"), ...errorResponses(401, 402, 403, 404, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await generateImage(c.var.ctx, c.req.valid("json")), 200);

export const registerGenerateImage = (r: Router) => r.openapi(route, handler);
