import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, DocumentSchema } from "../schemas";
import { getDocument } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/{document_id}",
  tags: ["Documents"],
  summary: "Get a specific document and record access.",
  description: "Counts the access (access_count, last_accessed_at). A document the caller cannot see is a 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam },
  responses: { 200: json(DocumentSchema, "The document"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getDocument(c.var.ctx, c.req.valid("param").document_id), 200);

export const registerGetDocument = (r: Router) => r.openapi(route, handler);
