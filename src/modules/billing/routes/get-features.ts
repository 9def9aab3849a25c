import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { FeaturesSchema } from "../schemas";
import { getFeatures } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/features",
  tags: ["Billing"],
  summary: "Get all features and their status for the workspace.",
  description: "Every feature with `enabled` from the tier and the workspace's overrides (`source`). Any member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(FeaturesSchema, "Features"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getFeatures(c.var.ctx), 200);

export const registerGetFeatures = (r: Router) => r.openapi(route, handler);
