import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CommentCreate, CommentSchema, RecordIdParam } from "../schemas";
import { createRecordComment } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/records/{record_id}/comments",
  tags: ["Records"],
  summary: "Create a comment on a record",
  description: "Whoever can view the record may comment; parent_id answers another comment on the same record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: jsonBody(CommentCreate) },
  responses: { 201: json(CommentSchema, "The comment"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createRecordComment(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json")), 201);

export const registerCreateRecordComment = (r: Router) => r.openapi(route, handler);
