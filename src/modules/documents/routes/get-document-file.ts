import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, FileQuery } from "../schemas";
import { documentFileUrl } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/{document_id}/file",
  tags: ["Documents"],
  summary: "Redirect to the document file with a fresh signed URL.",
  description:
    "302 to a signed download URL of the current version (15 minutes). Use it in img src, iframe or a link; ?download=true " +
    "makes it an attachment. A metadata-only document has no file (404).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam, query: FileQuery },
  responses: { 302: { description: "Redirect to the signed URL" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const s = await documentFileUrl(c.var.ctx, c.req.valid("param").document_id, c.req.valid("query").download === true);
  c.header("cache-control", "no-store");
  return c.redirect(s.url, 302);
};

export const registerGetDocumentFile = (r: Router) => r.openapi(route, handler);
