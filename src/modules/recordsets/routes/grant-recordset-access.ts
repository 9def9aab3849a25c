import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetAccessCreate, RecordsetAccessSchema, RecordsetSlugParam } from "../schemas";
import { grantRecordsetAccess } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/{recordset_slug}/access",
  tags: ["Records & CRM / Recordsets"],
  summary: "Grant access to a member or team on a recordset",
  description:
    "Either member_id or team_id (not both). Granting again replaces the flags. Every grant can view; can_edit implies can_edit_own, can_delete implies can_delete_own, is_admin implies everything. Effective rights are still limited by the grantee's role permissions. Needs admin rights on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam, body: jsonBody(RecordsetAccessCreate) },
  responses: { 201: json(RecordsetAccessSchema, "The grant"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await grantRecordsetAccess(c.var.ctx, c.req.valid("param").recordset_slug, c.req.valid("json")), 201);

export const registerGrantRecordsetAccess = (r: Router) => r.openapi(route, handler);
