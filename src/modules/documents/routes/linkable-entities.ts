import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { LinkableQuery, LinkableResultSchema } from "../schemas";
import { linkableEntities } from "../service/entities";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/linkable-entities",
  tags: ["Documents"],
  summary: "Search for entities that can be linked to a document.",
  description:
    "Names containing `query` (case-insensitive, best trigram match first) among what you can see: channels you can view, tasks you can open, records in recordsets you can view, recordsets, goals, members and documents, grouped by type (limit per type, at most 50). exclude_document_id leaves out what that document is already linked to, and itself.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: LinkableQuery },
  responses: { 200: json(LinkableResultSchema, "Matches by type"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await linkableEntities(c.var.ctx, c.req.valid("query")), 200);

export const registerLinkableEntities = (r: Router) => r.openapi(route, handler);
