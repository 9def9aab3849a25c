import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { BulkUploadFormSchema, BulkUploadResultSchema } from "../schemas";
import { bulkUploadDocuments } from "../service/bulk-upload";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/upload/bulk",
  tags: ["Documents"],
  summary: "Upload multiple documents at once.",
  description:
    "multipart/form-data with several `file` parts: each file (up to 50 MB) becomes a document; each .zip (up to 100 MB) is unpacked and each file inside becomes one (folders, __MACOSX and .DS_Store ignored; entries with .. or absolute paths refused; encrypted archives refused; at most 500 documents and 200 MB unpacked per request, counted on the inflated bytes). 50 parts and 200 MB per request. Optional description, category, tags, folder_id and entity_type + entity_id (primary link) apply to all. Runs within the request and answers with a result per file (document id or error); each document's indexing is queued. Needs can_create_document.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    // A plain schema object (not zod): the body is streamed, not parsed by the validator.
    body: { required: true, content: { "multipart/form-data": { schema: BulkUploadFormSchema } } },
  },
  responses: { 201: json(BulkUploadResultSchema, "A result per file"), ...errorResponses(401, 403, 404, 413) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const length = Number(c.req.header("content-length"));
  const req = {
    body: c.req.raw.body,
    contentType: c.req.header("content-type") ?? "",
    contentLength: Number.isFinite(length) ? length : undefined,
  };
  return c.json(await bulkUploadDocuments(c.var.ctx, req), 201);
};

export const registerBulkUploadDocuments = (r: Router) => r.openapi(route, handler);
