import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, DocumentWithVersionSchema, VersionUploadFormSchema } from "../schemas";
import { uploadDocumentVersion } from "../service/versions";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/{document_id}/versions",
  tags: ["Documents"],
  summary: "Upload a new version of a document.",
  description:
    "multipart/form-data: `file` (up to 50 MB, streamed to storage) and an optional change_note. It becomes version n+1 and the document's current file; older versions stay in the history. The index is stale until the queued re-indexing of the new version finishes. Needs the edit rule (can_edit_document, or can_edit_own_document on your own).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: DocumentIdParam,
    // A plain schema object (not zod): the body is streamed, not parsed by the validator.
    body: { required: true, content: { "multipart/form-data": { schema: VersionUploadFormSchema } } },
  },
  responses: { 201: json(DocumentWithVersionSchema, "The document and its new version"), ...errorResponses(401, 403, 404, 413) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const length = Number(c.req.header("content-length"));
  const req = {
    body: c.req.raw.body,
    contentType: c.req.header("content-type") ?? "",
    contentLength: Number.isFinite(length) ? length : undefined,
  };
  return c.json(await uploadDocumentVersion(c.var.ctx, c.req.valid("param").document_id, req), 201);
};

export const registerUploadDocumentVersion = (r: Router) => r.openapi(route, handler);
