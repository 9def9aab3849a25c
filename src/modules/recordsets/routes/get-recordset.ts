import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetSchema, RecordsetSlugParam } from "../schemas";
import { getRecordset } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/recordsets/{recordset_slug}",
  tags: ["Records & CRM / Recordsets"],
  summary: "Get a specific recordset by slug with accurate record count",
  description: "record_count is counted at request time (records not deleted). Needs can_view; an invisible recordset is a 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam },
  responses: { 200: json(RecordsetSchema, "The recordset"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getRecordset(c.var.ctx, c.req.valid("param").recordset_slug), 200);

export const registerGetRecordset = (r: Router) => r.openapi(route, handler);
