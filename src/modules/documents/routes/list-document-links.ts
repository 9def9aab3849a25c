import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, DocumentLinkSchema } from "../schemas";
import { listDocumentLinks } from "../service/links";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/{document_id}/links",
  tags: ["Documents"],
  summary: "Get all links for a document - shows what entities this document is related to.",
  description:
    "Channels, tasks, records, recordsets, goals and members the document is linked to, primary link first, with each entity's name and API path; both are null (accessible: false) for entities you cannot see. Whoever can see the document.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam },
  responses: { 200: json(z.array(DocumentLinkSchema), "The links"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listDocumentLinks(c.var.ctx, c.req.valid("param").document_id), 200);

export const registerListDocumentLinks = (r: Router) => r.openapi(route, handler);
