import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetIdParam, RecordsetSchema, RecordsetUpdate } from "../schemas";
import { updateRecordset } from "../service";

const route = createRoute({
  method: "patch",
  path: "/api/v1/crud/recordsets/{recordset_id}",
  tags: ["Records & CRM / CRUD - Recordsets"],
  summary: "Partially update a recordset",
  description: "Only the attributes given change. Same rules as PUT /recordsets/{recordset_slug}.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam, body: jsonBody(RecordsetUpdate) },
  responses: { 200: json(RecordsetSchema, "The recordset"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateRecordset({ ctx: c.var.ctx, slugOrId: c.req.valid("param").recordset_id, input: c.req.valid("json") }), 200);

export const registerCrudUpdateRecordset = (r: Router) => r.openapi(route, handler);
