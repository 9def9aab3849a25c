import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, ErrorSchema, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { WorkspaceHealthSchema } from "../schemas";
import { getWorkspaceHealth } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workspace-health",
  tags: ["Workspace Health"],
  summary: "Get workspace health check - check what features are configured.",
  description:
    "Flags: brand, migration_required, personal_onboarding_complete, company_onboarding_complete. HTTP 503 with the " +
    "same body when the workspace database needs a migration (start it with POST /api/v1/workspace-health/migrate; " +
    "migration_job names one already under way), 200 when everything is up to date. Any active member.",
  security: bearerSecurity,
  // Must answer while the schema is behind: it is how clients learn that it is.
  middleware: [requireUser(), requireWorkspace({ allowOutdatedSchema: true })] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: {
    200: json(WorkspaceHealthSchema, "Everything is up to date"),
    ...errorResponses(401, 404),
    503: json(
      z.union([WorkspaceHealthSchema, ErrorSchema]),
      "Migration required (the health body), or the workspace is still being provisioned (an error)",
    ),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const health = await getWorkspaceHealth(c.var.ctx);
  if (health.migration_required) return c.json(health, 503);
  return c.json(health, 200);
};

export const registerGetWorkspaceHealth = (r: Router) => r.openapi(route, handler);
