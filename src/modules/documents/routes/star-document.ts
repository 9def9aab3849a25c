import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DocumentIdParam, StarResultSchema } from "../schemas";
import { toggleDocumentStar } from "../service/overview";

const route = createRoute({
  method: "post",
  path: "/api/v1/documents/{document_id}/star",
  tags: ["Documents"],
  summary: "Toggle starred status of a document.",
  description: "Stars are per member: starred if it was not, unstarred if it was. Whoever can see the document.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: DocumentIdParam },
  responses: { 200: json(StarResultSchema, "The new state"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await toggleDocumentStar(c.var.ctx, c.req.valid("param").document_id), 200);

export const registerStarDocument = (r: Router) => r.openapi(route, handler);
