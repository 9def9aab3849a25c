import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { LimitTypeParam, UsageEventsQuery, UsageEventsSchema } from "../schemas";
import { parseLimitType, usageEvents } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/billing/usage/events/{limit_type}",
  tags: ["Billing"],
  summary: "Get detailed usage events for a specific limit type.",
  description:
    "Owner or admin. The rows behind a limit's usage (members, workflows, employees, stored files, images, credit consumption this month), newest first, with who caused them.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: LimitTypeParam, query: UsageEventsQuery },
  responses: { 200: json(UsageEventsSchema, "Usage events"), ...errorResponses(401, 403) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await usageEvents(c.var.ctx, parseLimitType(c.req.valid("param").limit_type), c.req.valid("query")), 200);

export const registerListUsageEvents = (r: Router) => r.openapi(route, handler);
