import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AttachmentSchema, RecordIdParam } from "../schemas";
import { listRecordAttachments } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/crud/records/{record_id}/attachments",
  tags: ["CRUD - Record Attachments"],
  summary: "List all attachments for a record.",
  description: "Each with a signed download link (GET /api/v1/files/download, 15 minutes, no token needed). Needs can_view on the record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam },
  responses: { 200: json(z.array(AttachmentSchema), "Attachments"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listRecordAttachments(c.var.ctx, c.req.valid("param").record_id), 200);

export const registerListRecordAttachments = (r: Router) => r.openapi(route, handler);
