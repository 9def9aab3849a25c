import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentSchema, DocumentUploadFormSchema } from "../schemas";
import { uploadDocument } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/upload",
  tags: ["Documents"],
  summary: "Upload a document file to GCS (or local storage in development).",
  description:
    "multipart/form-data with a `file` part (up to 50 MB; 413 above, before the body is read when Content-Length says so) " +
    "and optional title, description, category, tags (comma-separated), folder_id, entity_type + entity_id (primary link). " +
    "The file is streamed to storage as version 1; text extraction and indexing run on a queue (index_status queued → … → " +
    "ready or failed with a reason; an unreadable file does not fail the upload). Returns the document with a signed URL. " +
    "Needs can_create_document.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    // A plain schema object (not zod): the body is streamed, not parsed by the validator.
    body: { required: true, content: { "multipart/form-data": { schema: DocumentUploadFormSchema } } },
  },
  responses: { 201: json(DocumentSchema, "The stored document"), ...errorResponses(401, 403, 404, 413) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const length = Number(c.req.header("content-length"));
  return c.json(
    await uploadDocument(c.var.ctx, {
      body: c.req.raw.body,
      contentType: c.req.header("content-type") ?? "",
      contentLength: Number.isFinite(length) ? length : undefined,
    }),
    201,
  );
};

export const registerUploadDocument = (r: Router) => r.openapi(route, handler);
