import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetIdParam, RecordsetReplace, RecordsetSchema } from "../schemas";
import { updateRecordset } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/crud/recordsets/{recordset_id}",
  tags: ["Records & CRM / CRUD - Recordsets"],
  summary: "Update a recordset (full update)",
  description:
    "name and fields are required; description, icon, color, type and settings go back to their defaults when omitted (mode stays). The slug never changes. Field changes follow the same rules as PUT /recordsets/{recordset_slug}. Needs admin rights on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam, body: jsonBody(RecordsetReplace) },
  responses: { 200: json(RecordsetSchema, "The recordset"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(
    await updateRecordset({ ctx: c.var.ctx, slugOrId: c.req.valid("param").recordset_id, input: c.req.valid("json"), replace: true }),
    200,
  );

export const registerCrudReplaceRecordset = (r: Router) => r.openapi(route, handler);
