import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, DocumentVersionListSchema } from "../schemas";
import { listDocumentVersions } from "../service/versions";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/{document_id}/versions",
  tags: ["Documents"],
  summary: "List all versions of a document.",
  description:
    "Newest first, with who uploaded each, change notes, which version a restore came from, and a signed download URL per version (15 minutes). Whoever can see the document.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam },
  responses: { 200: json(DocumentVersionListSchema, "The versions"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listDocumentVersions(c.var.ctx, c.req.valid("param").document_id), 200);

export const registerListDocumentVersions = (r: Router) => r.openapi(route, handler);
