import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetPermissionsSchema, RecordsetSlugParam } from "../schemas";
import { myRecordsetPermissions } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/{recordset_slug}/permissions",
  tags: ["Records & CRM / Recordsets"],
  summary: "Get current user's permissions on a recordset",
  description:
    "Your effective flags: workspace owners/admins have all; the creator is admin; others have the union of their own and their teams' grants, limited by their role's record permissions (can_view_record, can_create_record, can_edit_record / can_edit_own_record, can_delete_record / can_delete_own_record). 404 when you cannot see the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam },
  responses: { 200: json(RecordsetPermissionsSchema, "Your permissions"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await myRecordsetPermissions(c.var.ctx, c.req.valid("param").recordset_slug), 200);

export const registerRecordsetPermissions = (r: Router) => r.openapi(route, handler);
