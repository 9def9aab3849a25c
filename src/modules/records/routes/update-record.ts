import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordIdParam, RecordSchema, RecordUpdate } from "../schemas";
import { updateRecord } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/records/{record_id}",
  tags: ["Records"],
  summary: "Update a record (creates a new version).",
  description:
    "Needs can_edit on the parent recordset, or can_edit_own on a record you created. field_values are merged into the current ones (null clears a field) and validated; tags replace the list. Every update is a new version in /history.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: jsonBody(RecordUpdate) },
  responses: { 200: json(RecordSchema, "The new version"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateRecord(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json"), "merge"), 200);

export const registerUpdateRecord = (r: Router) => r.openapi(route, handler);
