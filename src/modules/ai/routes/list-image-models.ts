import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ImageModelListSchema } from "../schemas";
import { listImageModels } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/ai/image/models",
  tags: ["AI - Image"],
  summary: "List available Image Generation models.",
  description: "Image models with prices, sizes and the default, plus the plan's monthly image limit and this month's use. Any member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(ImageModelListSchema, "The models"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listImageModels(c.var.ctx), 200);

export const registerListImageModels = (r: Router) => r.openapi(route, handler);
