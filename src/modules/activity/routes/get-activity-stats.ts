import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ActivityStatsSchema } from "../schemas";
import { getActivityStats } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/activity/stats",
  tags: ["Activity Feed"],
  summary: "Get activity statistics for the dashboard.",
  description:
    "Counts over the activity you may see: all time, the last 30 days and today (UTC); by type and category and " +
    "per day for the last 30 days (zeros included); the 10 most active members.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(ActivityStatsSchema, "Activity statistics"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getActivityStats(c.var.ctx), 200);

export const registerGetActivityStats = (r: Router) => r.openapi(route, handler);
