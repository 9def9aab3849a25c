import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, DocumentStatusQuery, DocumentStatusResultSchema } from "../schemas";
import { setDocumentStatus } from "../service/manage";

const route = createRoute({
  method: "put",
  path: "/api/v1/documents/{document_id}/status",
  tags: ["Documents"],
  summary: "Update document processing status (used by processing jobs).",
  description:
    "status: uploaded, processing, processed or failed; error (with failed only) says why. Workspace owners and admins only (people or their API keys): readers trust a status, so members cannot set it, even on their own documents. Atrium's own jobs set it without this route.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam, query: DocumentStatusQuery },
  responses: { 200: json(DocumentStatusResultSchema, "The new status"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await setDocumentStatus(c.var.ctx, c.req.valid("param").document_id, c.req.valid("query")), 200);

export const registerSetDocumentStatus = (r: Router) => r.openapi(route, handler);
