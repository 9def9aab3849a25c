import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam } from "../schemas";
import { deleteDocument } from "../service/manage";

const route = createRoute({
  method: "delete",
  path: "/api/v1/documents/{document_id}",
  tags: ["Documents"],
  summary: "Delete a document and its file from storage.",
  description:
    "Removes the document with its links, shares, stars and relationships, and every version's stored file. Needs can_delete_document, or can_delete_own_document on a document you uploaded.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteDocument(c.var.ctx, c.req.valid("param").document_id);
  return c.body(null, 204);
};

export const registerDeleteDocument = (r: Router) => r.openapi(route, handler);
