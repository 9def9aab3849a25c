import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordCreate, RecordSchema } from "../schemas";
import { createRecord } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/crud/records",
  tags: ["CRUD - Records"],
  summary: "Create a new record.",
  description: "As POST /api/v1/records: needs can_create on the recordset; the creator is your member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(RecordCreate) },
  responses: { 201: json(RecordSchema, "The record"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createRecord(c.var.ctx, c.req.valid("json")), 201);

export const registerCrudCreateRecord = (r: Router) => r.openapi(route, handler);
