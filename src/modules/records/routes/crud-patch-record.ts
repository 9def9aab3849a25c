import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RecordIdParam, RecordSchema, RecordUpdate } from "../schemas";
import { updateRecord } from "../service";

const route = createRoute({
  method: "patch",
  path: "/api/v1/crud/records/{record_id}",
  tags: ["CRUD - Records"],
  summary: "Partially update a record (only provided fields).",
  description: "Only the given keys change (null clears a field). Makes a new version; needs can_edit, or can_edit_own on your record.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordIdParam, body: jsonBody(RecordUpdate) },
  responses: { 200: json(RecordSchema, "The new version"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateRecord(c.var.ctx, c.req.valid("param").record_id, c.req.valid("json"), "merge"), 200);

export const registerCrudPatchRecord = (r: Router) => r.openapi(route, handler);
