import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordCreate, RecordSchema } from "../schemas";
import { createRecord } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/records",
  tags: ["Records"],
  summary: "Create a new record.",
  description:
    "Needs can_create on the recordset. field_values are checked against its fields (422 naming each wrong field); version 1 goes into the history and the recordset's record_count grows by one.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(RecordCreate) },
  responses: { 201: json(RecordSchema, "The record"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createRecord(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateRecord = (r: Router) => r.openapi(route, handler);
