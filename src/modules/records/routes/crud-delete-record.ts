import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordIdParam } from "../schemas";
import { deleteRecord } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/crud/records/{record_id}",
  tags: ["CRUD - Records"],
  summary: "Delete a record.",
  description: "Soft delete (status deleted, deleted_at set; history kept). Needs can_delete, or can_delete_own on your record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteRecord(c.var.ctx, c.req.valid("param").record_id);
  return c.body(null, 204);
};

export const registerCrudDeleteRecord = (r: Router) => r.openapi(route, handler);
