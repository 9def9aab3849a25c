import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, DocumentLinkSchema, LinkCreate } from "../schemas";
import { createDocumentLink } from "../service/links";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/{document_id}/links",
  tags: ["Documents"],
  summary: "Create a new link between a document and another entity.",
  description:
    "entity_type: channel, task, record, recordset, goal or member. The entity must exist and be visible to you (else 422 on entity_id); linking shows the document to everyone who sees the entity, so it needs the edit rule on the document. Linking again returns the existing link.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam, body: jsonBody(LinkCreate) },
  responses: { 201: json(DocumentLinkSchema, "The link"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createDocumentLink(c.var.ctx, c.req.valid("param").document_id, c.req.valid("json")), 201);

export const registerCreateDocumentLink = (r: Router) => r.openapi(route, handler);
