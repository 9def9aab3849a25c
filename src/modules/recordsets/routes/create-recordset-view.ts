import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetSlugParam, RecordsetViewCreate, RecordsetViewSchema } from "../schemas";
import { createRecordsetView } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets/{recordset_slug}/views",
  tags: ["Records & CRM / Recordsets"],
  summary: "Create a new view for a recordset",
  description:
    "Filters use the records list's syntax (column_filters, date_filters, numeric_filters, search, status, tags); sort is a list of {field, direction}; columns are field keys or built-in columns. Unknown fields or operators are a 422. Anyone who can view the recordset can save views; is_default (unsets the previous default) needs the right to manage the recordset, else 403.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetSlugParam, body: jsonBody(RecordsetViewCreate) },
  responses: { 201: json(RecordsetViewSchema, "The view"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createRecordsetView(c.var.ctx, c.req.valid("param").recordset_slug, c.req.valid("json")), 201);

export const registerCreateRecordsetView = (r: Router) => r.openapi(route, handler);
