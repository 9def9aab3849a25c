import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { IntegrationIdParam, SyncStatusSchema } from "../schemas";
import { syncStatus } from "../service/runs";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/{integration_id}/status",
  tags: ["Integrations & Data / Integrations"],
  summary: "Get the current sync status for an integration.",
  description:
    "Last sync time and status, last error, the running run if any, recent runs and the latest run's logs. Syncs are manual here, so next_sync_at is null.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: IntegrationIdParam },
  responses: { 200: json(SyncStatusSchema, "Sync status"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await syncStatus(c.var.ctx, c.req.valid("param").integration_id), 200);

export const registerSyncStatus = (r: Router) => r.openapi(route, handler);
