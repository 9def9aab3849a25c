import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApiKeySchema, ListApiKeysQuery } from "../schemas";
import { listApiKeys } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/api-keys",
  tags: ["API Keys"],
  summary: "List all API keys for the current company.",
  description:
    "Newest first; `skip`/`limit` paginate (limit at most 200). Filters: `is_active`, `is_revoked`. " +
    "Keys are never returned in full, only their prefix. Needs can_manage_api_keys (API keys: the admin scope).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListApiKeysQuery },
  responses: { 200: json(z.array(ApiKeySchema), "API keys (prefixes only)"), ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listApiKeys(c.var.ctx, c.req.valid("query")), 200);

export const registerListApiKeys = (r: Router) => r.openapi(route, handler);
