import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, DocumentSchema, DocumentUpdate } from "../schemas";
import { updateDocument } from "../service/manage";

const route = createRoute({
  method: "put",
  path: "/api/v1/documents/{document_id}",
  tags: ["Documents"],
  summary: "Update document metadata.",
  description:
    "title, description, category, tags, folder_id, agent_ids; only the fields sent change (null clears). The file changes through versions. Needs can_edit_document, or can_edit_own_document on a document you uploaded.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam, body: jsonBody(DocumentUpdate) },
  responses: { 200: json(DocumentSchema, "The updated document"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateDocument(c.var.ctx, c.req.valid("param").document_id, c.req.valid("json")), 200);

export const registerUpdateDocument = (r: Router) => r.openapi(route, handler);
