import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { CategoriesSchema } from "../schemas";
import { documentCategories } from "../service/overview";

const route = createRoute({
  method: "get",
  path: "/api/v1/documents/categories",
  tags: ["Documents"],
  summary: "Get list of all document categories.",
  description: "Categories in use among the documents you can see, most used first, with counts.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(CategoriesSchema, "The categories"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await documentCategories(c.var.ctx), 200);

export const registerDocumentCategories = (r: Router) => r.openapi(route, handler);
