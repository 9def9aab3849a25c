import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordIdParam, RecordReplace, RecordSchema } from "../schemas";
import { updateRecord } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/crud/records/{record_id}",
  tags: ["CRUD - Records"],
  summary: "Update a record (full update).",
  description:
    "field_values replace the current values entirely (required fields must be present). Makes a new version; needs can_edit, or can_edit_own on your record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: jsonBody(RecordReplace) },
  responses: { 200: json(RecordSchema, "The new version"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateRecord(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json"), "replace"), 200);

export const registerCrudReplaceRecord = (r: Router) => r.openapi(route, handler);
