import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentCreate, DocumentSchema } from "../schemas";
import { createDocument } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents",
  tags: ["Documents"],
  summary: "Create a new document record (metadata only, no file upload).",
  description:
    "Needs can_create_document. Use POST /documents/upload for files. entity_type + entity_id link it (primary link) to a " +
    "channel, task, record, recordset, goal or member the caller can see (404 otherwise).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(DocumentCreate) },
  responses: { 201: json(DocumentSchema, "The document"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createDocument(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateDocument = (r: Router) => r.openapi(route, handler);
