import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { LimitsSchema } from "../schemas";
import { getLimits } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/limits",
  tags: ["Billing"],
  summary: "Get all limits and current usage for the workspace.",
  description: "Each limit with used, remaining and percent (null limit: unlimited). Monthly limits count from the 1st (UTC). Any member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(LimitsSchema, "Limits and usage"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getLimits(c.var.ctx), 200);

export const registerGetLimits = (r: Router) => r.openapi(route, handler);
