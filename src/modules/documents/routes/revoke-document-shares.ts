import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam } from "../schemas";
import { revokeDocumentShares } from "../service/shares";

const route = createRoute({
  method: "delete",
  path: "/api/v1/documents/{document_id}/share",
  tags: ["Documents"],
  summary: "Revoke all share links for a document.",
  description: "Every public link of the document stops working at once. Needs the edit rule.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam },
  responses: { 204: { description: "Revoked" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await revokeDocumentShares(c.var.ctx, c.req.valid("param").document_id);
  return c.body(null, 204);
};

export const registerRevokeDocumentShares = (r: Router) => r.openapi(route, handler);
