import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentListSchema, ListDocumentsQuery } from "../schemas";
import { listDocuments } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents",
  tags: ["Documents"],
  summary: "List documents with filtering and pagination.",
  description:
    "Owners and admins see every document; others see documents they uploaded and, with can_view_document, documents linked " +
    "to a channel, task, record, recordset or goal they can see (or to themselves). The same rule filters search, stats and " +
    "knowledge retrieval. Paged with skip/limit (at most 100).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ListDocumentsQuery },
  responses: { 200: json(DocumentListSchema, "One page of documents"), ...errorResponses(401, 403) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listDocuments(c.var.ctx, c.req.valid("query")), 200);

export const registerListDocuments = (r: Router) => r.openapi(route, handler);
