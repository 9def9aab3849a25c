import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { EntityDocumentsQuery, EntityDocumentsSchema, EntityParam } from "../schemas";
import { documentsForEntity } from "../service/links";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/entity/{entity_type}/{entity_id}",
  tags: ["Documents"],
  summary: "Get all documents linked to a specific entity (reverse lookup).",
  description:
    "For record, task and channel pages. entity_type: channel, task, record, recordset, goal or member. The entity must be visible to you (else 404), and only the linked documents you can see are listed (skip/limit, at most 100), each with its link.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: EntityParam, query: EntityDocumentsQuery },
  responses: { 200: json(EntityDocumentsSchema, "The documents"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  return c.json(await documentsForEntity(c.var.ctx, p.entity_type, p.entity_id, c.req.valid("query")), 200);
};

export const registerEntityDocuments = (r: Router) => r.openapi(route, handler);
