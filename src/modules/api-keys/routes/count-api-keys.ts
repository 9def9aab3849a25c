import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApiKeyFilters, CountSchema } from "../schemas";
import { countApiKeys } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/api-keys/count",
  tags: ["API Keys"],
  summary: "Get total count of API keys.",
  description: "Same filters as the list (`is_active`, `is_revoked`). Needs can_manage_api_keys.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ApiKeyFilters },
  responses: { 200: json(CountSchema, "How many keys match"), ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await countApiKeys(c.var.ctx, c.req.valid("query")), 200);

export const registerCountApiKeys = (r: Router) => r.openapi(route, handler);
