import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { errorResponses, json } from "../../../platform/openapi";
import { ApiKeyHeaderSchema, EntityListSchema, IntegrationNameParam } from "../schemas";
import { entityTypes } from "../service/data";

const route = createRoute({
  method: "get",
  path: "/api/v1/data/{integration_name}",
  tags: ["Integrations & Data / Data Retrieval"],
  summary: "List available entity types for a specific integration.",
  description:
    "The entity types that can be read for the integration (name, display_name, table_name); unknown integration is a 404. An API key in X-API-Key (acts in the key's workspace; a bearer token is a 401 here: use /api/v1/data/me/…).",
  security: [{ apiKeyHeader: [] }],
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: ApiKeyHeaderSchema, params: IntegrationNameParam },
  responses: { 200: json(EntityListSchema, "Entities"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await entityTypes(c.var.ctx, "api_key", c.req.valid("param").integration_name), 200);

export const registerDataEntities = (r: Router) => r.openapi(route, handler);
