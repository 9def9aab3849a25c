import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, DocumentRelationshipSchema } from "../schemas";
import { listDocumentRelationships } from "../service/relationships";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/{document_id}/relationships",
  tags: ["Documents"],
  summary: "Get all saved relationships for a document.",
  description:
    "Saved relationships to channels, tasks, records, recordsets, goals, members and other documents, with target names and paths where you can see the target (null otherwise). Whoever can see the document.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam },
  responses: { 200: json(z.array(DocumentRelationshipSchema), "The relationships"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listDocumentRelationships(c.var.ctx, c.req.valid("param").document_id), 200);

export const registerListDocumentRelationships = (r: Router) => r.openapi(route, handler);
