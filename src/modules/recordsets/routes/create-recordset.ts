import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetCreate, RecordsetSchema } from "../schemas";
import { createRecordset } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/recordsets",
  tags: ["Records & CRM / Recordsets"],
  summary: "Create a new recordset",
  description:
    "Needs can_create_recordset; the creator administers it. The slug is made from the name when omitted, with -2, -3\u2026 when taken, and never changes; a given slug that is taken is a 409. Fields are validated (unique keys, options for selects, at most one primary).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(RecordsetCreate) },
  responses: { 201: json(RecordsetSchema, "The recordset"), ...errorResponses(401, 403, 409, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createRecordset({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCreateRecordset = (r: Router) => r.openapi(route, handler);
