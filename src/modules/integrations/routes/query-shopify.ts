import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ShopifyQuery, ShopifyQueryResultSchema } from "../schemas";
import { queryShopify } from "../service/query";

const route = createRoute({
  method: "post",
  path: "/api/v1/integrations/shopify/query",
  tags: ["Integrations & Data / Integrations"],
  summary: "Experimental Shopify query endpoint (allowlisted).",
  description:
    "Reads the connected store on demand with the stored credentials. Only allowlisted entities (orders, customers, products), fields and params (limit, status, created_/updated_at_min/max, since_id, page_info) pass through; anything else is a 422 before any call to Shopify. Paged with next_page_info. Needs can_manage_integration (it acts with the stored credentials).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ShopifyQuery) },
  responses: { 200: json(ShopifyQueryResultSchema, "Rows from Shopify"), ...errorResponses(400, 401, 403, 404, 409, 422, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await queryShopify(c.var.ctx, c.req.valid("json")), 200);

export const registerQueryShopify = (r: Router) => r.openapi(route, handler);
