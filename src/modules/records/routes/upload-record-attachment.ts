import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AttachmentSchema, AttachmentUploadBody, RecordIdParam } from "../schemas";
import { type Upload, uploadRecordAttachment } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/crud/records/{record_id}/attachments",
  tags: ["CRUD - Record Attachments"],
  summary: "Upload a file attachment for a record.",
  description:
    "multipart/form-data with a `file` field: any type, up to 25 MB (413 above). Stored in R2; the answer carries a signed " +
    "download link. Needs can_edit on the recordset, or can_edit_own on a record you created.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: RecordIdParam,
    body: { required: true, content: { "multipart/form-data": { schema: AttachmentUploadBody } } },
  },
  responses: { 201: json(AttachmentSchema, "Stored"), ...errorResponses(401, 403, 404, 413) },
});

/** The multipart `file` field for the service (a Blob goes to R2 without another copy). */
function fileFromForm(value: unknown): Upload | undefined {
  if (!(value instanceof File)) return undefined;
  return { name: value.name, type: value.type, size: value.size, data: value };
}

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await uploadRecordAttachment(c.var.ctx, c.req.valid("param").record_id, fileFromForm(c.req.valid("form").file)), 201);

export const registerUploadRecordAttachment = (r: Router) => r.openapi(route, handler);
