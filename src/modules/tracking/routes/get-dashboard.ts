import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DashboardSchema, RecordsetIdParam } from "../schemas";
import { getTrackingDashboard } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/tracking/{recordset_id}/dashboard",
  tags: ["Record Tracking"],
  summary: "Get tracking dashboard with metrics for a recordset",
  description:
    "Live metrics of a recordset (id or slug): records by status, records without interaction in 30 days and never contacted, interactions in the last 7/30 days and by type, open/overdue/upcoming tasks, insights by status and priority, and the 10 records longest without contact. Needs can_view.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RecordsetIdParam },
  responses: { 200: json(DashboardSchema, "The dashboard"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await getTrackingDashboard(c.var.ctx, c.req.valid("param").recordset_id), 200);

export const registerGetTrackingDashboard = (r: Router) => r.openapi(route, handler);
