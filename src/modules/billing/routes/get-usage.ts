import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { LimitTypeParam, UsageSchema } from "../schemas";
import { getUsage, parseLimitType } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/usage/{limit_type}",
  tags: ["Billing"],
  summary: "Check current usage for a specific limit type.",
  description: "Used, remaining and whether one more is allowed. Any member. Unknown type → 422 listing the types.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: LimitTypeParam },
  responses: { 200: json(UsageSchema, "Usage"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getUsage(c.var.ctx, parseLimitType(c.req.valid("param").limit_type)), 200);

export const registerGetUsage = (r: Router) => r.openapi(route, handler);
