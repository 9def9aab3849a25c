import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApiKeyIdParam, ApiKeySchema } from "../schemas";
import { revokeApiKey } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/api-keys/{api_key_id}/revoke",
  tags: ["API Keys"],
  summary: "Revoke an API key.",
  description:
    "Revoked keys cannot be used for authentication and cannot be un-revoked; the record is kept for audit. " +
    "Takes effect at once on the instance that served this call and within 5 seconds everywhere else. " +
    "Revoking a revoked key returns it unchanged. Needs can_manage_api_keys.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ApiKeyIdParam },
  responses: { 200: json(ApiKeySchema, "The revoked key"), ...errorResponses(401, 403, 404, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await revokeApiKey(c.var.ctx, c.req.valid("param").api_key_id), 200);

export const registerRevokeApiKey = (r: Router) => r.openapi(route, handler);
