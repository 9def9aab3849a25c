import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DataPageSchema, DataQuery, EntityParams } from "../schemas";
import { entityData } from "../service/data";

const route = createRoute({
  method: "get",
  path: "/api/v1/data/me/{integration_name}/{entity_type}",
  tags: ["Integrations & Data / Data Retrieval"],
  summary: "Retrieve paginated integration data for a specific entity type (JWT Auth).",
  description:
    "Synced rows: limit 1-1000 (default 100), offset, created_after/created_before (sys_created_at: first synced), updated_after/updated_before (sys_updated_at: last synced), ISO 8601. Response {integration_name, entity_type, columns, rows, total, limit, offset, has_more}. Bearer access token and X-Workspace-Id (an API key is a 401 here: use /api/v1/data/…).",
  security: [{ bearerAuth: [] }],
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: EntityParams, query: DataQuery },
  responses: { 200: json(DataPageSchema, "A page of rows"), ...errorResponses(401, 403, 404, 422) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  return c.json(await entityData(c.var.ctx, "user", p.integration_name, p.entity_type, c.req.valid("query")), 200);
};

export const registerDataMeRows = (r: Router) => r.openapi(route, handler);
