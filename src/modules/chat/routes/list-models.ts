import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ChatModelSchema } from "../schemas";
import { listChatModels } from "../service/context";

const route = createRoute({
  method: "get",
  path: "/api/v1/chat/models",
  tags: ["Chat"],
  summary: "List available AI models",
  description: "The AI gateway's chat models (streaming capable), with the default marked.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(z.array(ChatModelSchema), "Models"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(listChatModels(), 200);

export const registerListModels = (r: Router) => r.openapi(route, handler);
