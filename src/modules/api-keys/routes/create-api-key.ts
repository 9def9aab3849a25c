import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ApiKeyCreate, ApiKeyWithSecretSchema } from "../schemas";
import { createApiKey } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/api-keys",
  tags: ["API Keys"],
  summary: "Create a new API key.",
  description:
    "IMPORTANT: the full API key (`key`) is only shown once, in this response; only its SHA-256 is stored. " +
    "Use it as `Authorization: Bearer atr_…` or `X-API-Key: atr_…`. The key acts as you, with your current role in " +
    "this workspace, further limited by its scopes. Needs can_manage_api_keys (admins and owners by default).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ApiKeyCreate) },
  responses: {
    201: json(ApiKeyWithSecretSchema, "The new key, with the full key (only shown once!)"),
    ...errorResponses(401, 403, 404, 429),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createApiKey({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCreateApiKey = (r: Router) => r.openapi(route, handler);
