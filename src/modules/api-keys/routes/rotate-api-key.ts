import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApiKeyIdParam, ApiKeyWithSecretSchema } from "../schemas";
import { rotateApiKey } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/api-keys/{api_key_id}/rotate",
  tags: ["API Keys"],
  summary: "Rotate an API key (generate new key, revoke old one).",
  description:
    "Creates a new key with the same settings (name, description, scopes, mode, expiry, rate limit) and revokes the " +
    "old one. The new full key is only shown once, in this response. The new key acts as you. A revoked key cannot " +
    "be rotated (409). Needs can_manage_api_keys.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ApiKeyIdParam },
  responses: {
    200: json(ApiKeyWithSecretSchema, "The new key, with the full key (only shown once!)"),
    ...errorResponses(401, 403, 404, 409, 429),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await rotateApiKey(c.var.ctx, c.req.valid("param").api_key_id), 200);

export const registerRotateApiKey = (r: Router) => r.openapi(route, handler);
