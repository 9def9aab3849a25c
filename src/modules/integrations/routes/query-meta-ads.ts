import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MetaAdsQuery, MetaQueryResultSchema } from "../schemas";
import { queryMetaAds } from "../service/query";

const route = createRoute({
  method: "post",
  path: "/api/v1/integrations/meta-ads/query",
  tags: ["Integrations & Data / Integrations"],
  summary: "Experimental Meta Ads query endpoint (allowlisted).",
  description:
    "Reads the connected ad account on demand with the stored credentials. Only allowlisted entities (campaigns, adsets, ads, insights), fields and params (limit, after, and for insights date_preset, time_range, level) pass through; anything else is a 422 before any call to Meta. Needs can_manage_integration (it acts with the stored credentials).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(MetaAdsQuery) },
  responses: { 200: json(MetaQueryResultSchema, "Rows from Meta"), ...errorResponses(400, 401, 403, 404, 409, 422, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await queryMetaAds(c.var.ctx, c.req.valid("json")), 200);

export const registerQueryMetaAds = (r: Router) => r.openapi(route, handler);
