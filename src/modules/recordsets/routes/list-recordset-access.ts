import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetAccessSchema, RecordsetSlugParam } from "../schemas";
import { listRecordsetAccess } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/{recordset_slug}/access",
  tags: ["Records & CRM / Recordsets"],
  summary: "List all access grants for a recordset",
  description: "Grants to members and teams with their flags. Needs admin rights on the recordset (is_admin).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam },
  responses: { 200: json(z.array(RecordsetAccessSchema), "Grants"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listRecordsetAccess(c.var.ctx, c.req.valid("param").recordset_slug), 200);

export const registerListRecordsetAccess = (r: Router) => r.openapi(route, handler);
