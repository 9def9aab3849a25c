import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApiKeyIdParam, ApiKeySchema, ApiKeyUpdate } from "../schemas";
import { updateApiKey } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/api-keys/{api_key_id}",
  tags: ["API Keys"],
  summary: "Update an API key.",
  description:
    "Name, description, scopes, active status and the per-key rate limit; fields left out stay as they are. The " +
    "key itself cannot change (rotate it instead); a revoked key cannot be re-activated (409). Needs can_manage_api_keys.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ApiKeyIdParam, body: jsonBody(ApiKeyUpdate) },
  responses: { 200: json(ApiKeySchema, "The updated key"), ...errorResponses(401, 403, 404, 409, 429) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateApiKey({ ctx: c.var.ctx, id: c.req.valid("param").api_key_id, input: c.req.valid("json") }), 200);

export const registerUpdateApiKey = (r: Router) => r.openapi(route, handler);
