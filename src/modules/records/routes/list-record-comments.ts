import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CommentSchema, RecordIdParam } from "../schemas";
import { listRecordComments } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/records/{record_id}/comments",
  tags: ["Records"],
  summary: "List all comments for a record",
  description: "Oldest first, with each author's member info. Needs can_view on the record's recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam },
  responses: { 200: json(z.array(CommentSchema), "Comments"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listRecordComments(c.var.ctx, c.req.valid("param").record_id), 200);

export const registerListRecordComments = (r: Router) => r.openapi(route, handler);
