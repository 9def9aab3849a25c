import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentWithVersionSchema, VersionParam } from "../schemas";
import { restoreDocumentVersion } from "../service/versions";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/{document_id}/versions/{version_number}/restore",
  tags: ["Documents"],
  summary: "Restore a previous version of a document.",
  description:
    "Creates a new version whose file is a copy of version_number's (the current one stays in the history) and queues its indexing. Restoring the current version is a 409. Needs the edit rule.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: VersionParam },
  responses: { 200: json(DocumentWithVersionSchema, "The document and its new version"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const p = c.req.valid("param");
  return c.json(await restoreDocumentVersion(c.var.ctx, p.document_id, p.version_number), 200);
};

export const registerRestoreDocumentVersion = (r: Router) => r.openapi(route, handler);
