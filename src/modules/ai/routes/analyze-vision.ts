import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { VisionAnalysisSchema, VisionRequest } from "../schemas";
import { analyzeVision } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/ai/vision/analyze",
  tags: ["AI - Vision"],
  summary: "Analyze images using Claude Vision.",
  description:
    "1–5 images as base64 data URLs (PNG, JPEG, GIF, WebP) with a prompt, answered by a vision-capable model " +
    "(default: the workspace's). Needs can_use_ai. Bodies are limited to 1 MB (413).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(VisionRequest) },
  responses: { 200: json(VisionAnalysisSchema, "The analysis"), ...errorResponses(401, 402, 403, 404, 413, 502, 504) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await analyzeVision(c.var.ctx, c.req.valid("json")), 200);

export const registerAnalyzeVision = (r: Router) => r.openapi(route, handler);
