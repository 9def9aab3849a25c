import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetIdParam, RecordsetSchema } from "../schemas";
import { getRecordset } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/crud/recordsets/{recordset_id}",
  tags: ["Records & CRM / CRUD - Recordsets"],
  summary: "Get a specific recordset by ID with accurate record count",
  description: "record_count is counted at request time. can_view; invisible is 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam },
  responses: { 200: json(RecordsetSchema, "The recordset"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getRecordset(c.var.ctx, c.req.valid("param").recordset_id), 200);

export const registerCrudGetRecordset = (r: Router) => r.openapi(route, handler);
