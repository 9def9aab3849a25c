import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, MessageSchema, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { LinkIdParam } from "../schemas";
import { deleteDocumentLink } from "../service/links";

const route = createRoute({
  method: "delete",
  path: "/api/v1/documents/{document_id}/links/{link_id}",
  tags: ["Documents"],
  summary: "Delete a document link.",
  description: "Needs the edit rule on the document. The primary link (where the document was uploaded) cannot be deleted: 409.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: LinkIdParam },
  responses: { 200: json(MessageSchema, "Deleted"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  return c.json(await deleteDocumentLink(c.var.ctx, p.document_id, p.link_id), 200);
};

export const registerDeleteDocumentLink = (r: Router) => r.openapi(route, handler);
