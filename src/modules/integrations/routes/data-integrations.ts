import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { errorResponses, json } from "../../../platform/openapi";
import { ApiKeyHeaderSchema, SupportedIntegrationsSchema } from "../schemas";
import { supportedIntegrations } from "../service/data";

const route = createRoute({
  method: "get",
  path: "/api/v1/data",
  tags: ["Integrations & Data / Data Retrieval"],
  summary: "List all supported integrations.",
  description:
    "The integrations with data retrieval support. An API key in X-API-Key (acts in the key's workspace; a bearer token is a 401 here: use /api/v1/data/me/…).",
  security: [{ apiKeyHeader: [] }],
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: ApiKeyHeaderSchema },
  responses: { 200: json(SupportedIntegrationsSchema, "Names"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await supportedIntegrations(c.var.ctx, "api_key"), 200);

export const registerDataIntegrations = (r: Router) => r.openapi(route, handler);
