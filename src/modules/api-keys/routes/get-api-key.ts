import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApiKeyIdParam, ApiKeySchema } from "../schemas";
import { getApiKey } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/api-keys/{api_key_id}",
  tags: ["API Keys"],
  summary: "Get a specific API key by ID.",
  description: "The full key is not included, only its prefix. Needs can_manage_api_keys.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ApiKeyIdParam },
  responses: { 200: json(ApiKeySchema, "The API key (prefix only)"), ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getApiKey(c.var.ctx, c.req.valid("param").api_key_id), 200);

export const registerGetApiKey = (r: Router) => r.openapi(route, handler);
