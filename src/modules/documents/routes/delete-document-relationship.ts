import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RelationshipIdParam } from "../schemas";
import { deleteDocumentRelationship } from "../service/relationships";

const route = createRoute({
  method: "delete",
  path: "/api/v1/documents/{document_id}/relationships/{relationship_id}",
  tags: ["Documents"],
  summary: "Delete a document relationship.",
  description: "Needs the edit rule on the document.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RelationshipIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  await deleteDocumentRelationship(c.var.ctx, p.document_id, p.relationship_id);
  return c.body(null, 204);
};

export const registerDeleteDocumentRelationship = (r: Router) => r.openapi(route, handler);
