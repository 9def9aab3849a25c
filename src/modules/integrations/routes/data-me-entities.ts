import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { EntityListSchema, IntegrationNameParam } from "../schemas";
import { entityTypes } from "../service/data";

const route = createRoute({
  method: "get",
  path: "/api/v1/data/me/{integration_name}",
  tags: ["Integrations & Data / Data Retrieval"],
  summary: "List available entity types for a specific integration (JWT Auth).",
  description:
    "The entity types that can be read for the integration (name, display_name, table_name); unknown integration is a 404. Bearer access token and X-Workspace-Id (an API key is a 401 here: use /api/v1/data/…).",
  security: [{ bearerAuth: [] }],
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationNameParam },
  responses: { 200: json(EntityListSchema, "Entities"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await entityTypes(c.var.ctx, "user", c.req.valid("param").integration_name), 200);

export const registerDataMeEntities = (r: Router) => r.openapi(route, handler);
