import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, ShareCreate, ShareSchema } from "../schemas";
import { createDocumentShare } from "../service/shares";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/{document_id}/share",
  tags: ["Documents"],
  summary: "Create a share link for a document.",
  description:
    "public (default): a link with a random token that works without signing in (GET /api/v1/documents/public/{workspace_id}/{token}), optionally expiring after expires_in_hours; the token is shown only in this answer (only its hash is kept) and reads that document's current file and nothing else. Needs the edit rule, and a document with a file. internal: the document's API link, which works only for people who can see it.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam, body: jsonBody(ShareCreate) },
  responses: { 200: json(ShareSchema, "The share link"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createDocumentShare(c.var.ctx, c.req.valid("param").document_id, c.req.valid("json")), 200);

export const registerShareDocument = (r: Router) => r.openapi(route, handler);
