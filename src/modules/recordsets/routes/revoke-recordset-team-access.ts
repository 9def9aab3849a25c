import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetTeamParams } from "../schemas";
import { revokeRecordsetTeamAccess } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/recordsets/{recordset_slug}/access/teams/{team_id}",
  tags: ["Records & CRM / Recordsets"],
  summary: "Revoke a team's access to a recordset",
  description: "Needs admin rights on the recordset. 404 when the team has no grant.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetTeamParams },
  responses: { 204: { description: "Done" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await revokeRecordsetTeamAccess(c.var.ctx, c.req.valid("param").recordset_slug, c.req.valid("param").team_id);
  return c.body(null, 204);
};

export const registerRevokeRecordsetTeamAccess = (r: Router) => r.openapi(route, handler);
