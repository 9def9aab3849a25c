import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DataSyncProviderSchema } from "../schemas";
import { dataSyncProvider } from "../service/crud";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/data-sync-provider",
  tags: ["Integrations & Data / Integrations"],
  summary: "Get the configured data sync provider for OAuth integrations.",
  description:
    "fivetran (Fivetran Connect Card), airbyte (Airbyte Embedded Widget) or none (integrations connect with their own OAuth apps and sync here); the DATA_SYNC_PROVIDER setting, and whether its credentials are present.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(DataSyncProviderSchema, "The provider"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await dataSyncProvider(c.var.ctx), 200);

export const registerDataSyncProvider = (r: Router) => r.openapi(route, handler);
