import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AttachmentParams } from "../schemas";
import { deleteRecordAttachment } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/crud/records/{record_id}/attachments/{attachment_id}",
  tags: ["CRUD - Record Attachments"],
  summary: "Delete a file attachment.",
  description: "Needs the edit rule on the record; the file is removed from storage too.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: AttachmentParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteRecordAttachment(c.var.ctx, c.req.valid("param").record_id, c.req.valid("param").attachment_id);
  return c.body(null, 204);
};

export const registerDeleteRecordAttachment = (r: Router) => r.openapi(route, handler);
