import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetSchema, RecordsetSlugParam, RecordsetUpdate } from "../schemas";
import { updateRecordset } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/recordsets/{recordset_slug}",
  tags: ["Records & CRM / Recordsets"],
  summary: "Update a recordset",
  description:
    "Attributes given are changed; the slug never changes. A new fields list replaces the old one: removed fields' values are dropped from records, changes to text (and select \u2192 multi_select) convert stored values, and a change that stored values do not satisfy (type, options, required) is a 422 naming the field. Needs admin rights on the recordset.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam, body: jsonBody(RecordsetUpdate) },
  responses: { 200: json(RecordsetSchema, "The recordset"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateRecordset({ ctx: c.var.ctx, slugOrId: c.req.valid("param").recordset_slug, input: c.req.valid("json") }), 200);

export const registerUpdateRecordset = (r: Router) => r.openapi(route, handler);
