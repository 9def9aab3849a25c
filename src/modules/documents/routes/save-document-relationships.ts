import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, RelationshipsCreate, SavedRelationshipsSchema } from "../schemas";
import { saveDocumentRelationships } from "../service/relationships";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/{document_id}/relationships",
  tags: ["Documents"],
  summary: "Save multiple relationships for a document.",
  description:
    "Typically after reviewing AI suggestions: up to 50 at once. Every target must exist and be visible to you, else 422 naming it and nothing is saved. A relationship saved before comes back as it was (no duplicate). Needs the edit rule on the document.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam, body: jsonBody(RelationshipsCreate) },
  responses: { 201: json(SavedRelationshipsSchema, "The saved relationships"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await saveDocumentRelationships(c.var.ctx, c.req.valid("param").document_id, c.req.valid("json")), 201);

export const registerSaveDocumentRelationships = (r: Router) => r.openapi(route, handler);
