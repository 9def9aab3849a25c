import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetMemberParams } from "../schemas";
import { revokeRecordsetMemberAccess } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/recordsets/{recordset_slug}/access/members/{member_id}",
  tags: ["Records & CRM / Recordsets"],
  summary: "Revoke a member's access to a recordset",
  description: "Needs admin rights on the recordset. 404 when the member has no grant.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetMemberParams },
  responses: { 204: { description: "Done" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await revokeRecordsetMemberAccess(c.var.ctx, c.req.valid("param").recordset_slug, c.req.valid("param").member_id);
  return c.body(null, 204);
};

export const registerRevokeRecordsetMemberAccess = (r: Router) => r.openapi(route, handler);
