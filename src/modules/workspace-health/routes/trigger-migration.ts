import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MigrationJobSchema } from "../schemas";
import { triggerMigration } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspace-health/migrate",
  tags: ["Workspace Health"],
  summary: "Trigger tenant database migration.",
  description:
    "Admins and owners. Starts a background job that applies the tenant migrations the workspace database lacks, " +
    "and returns {job_id, stream_url, status}; follow stream_url for progress. One migration per workspace at a " +
    "time: while one is queued or running, this returns that job instead of starting another.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace({ allowOutdatedSchema: true })] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(MigrationJobSchema, "The migration job"), ...errorResponses(401, 403, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await triggerMigration(c.var.ctx), 200);

export const registerTriggerMigration = (r: Router) => r.openapi(route, handler);
