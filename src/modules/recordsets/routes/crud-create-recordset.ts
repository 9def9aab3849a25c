import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordsetCreate, RecordsetSchema } from "../schemas";
import { createRecordset } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/crud/recordsets",
  tags: ["Records & CRM / CRUD - Recordsets"],
  summary: "Create a new recordset",
  description: "Same as POST /api/v1/recordsets.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(RecordsetCreate) },
  responses: { 201: json(RecordsetSchema, "The recordset"), ...errorResponses(401, 403, 409, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createRecordset({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCrudCreateRecordset = (r: Router) => r.openapi(route, handler);
