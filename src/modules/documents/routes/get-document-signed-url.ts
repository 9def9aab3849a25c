import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, FileQuery, SignedUrlSchema } from "../schemas";
import { documentFileUrl } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/{document_id}/signed-url",
  tags: ["Documents"],
  summary: "Get a fresh signed URL for a document.",
  description: "A signed download URL of the current version, valid 15 minutes; whoever holds it may download that file until then.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam, query: FileQuery },
  responses: { 200: json(SignedUrlSchema, "The signed URL"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await documentFileUrl(c.var.ctx, c.req.valid("param").document_id, c.req.valid("query").download === true), 200);

export const registerGetDocumentSignedUrl = (r: Router) => r.openapi(route, handler);
