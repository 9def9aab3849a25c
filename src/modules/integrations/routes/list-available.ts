import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AvailableIntegrationSchema } from "../schemas";
import { listAvailable } from "../service/crud";

const route = createRoute({
  method: "get",
  path: "/api/v1/integrations/available",
  tags: ["Integrations & Data / Integrations"],
  summary: "List all available integrations.",
  description:
    "The catalogue (Slack, Google Drive, Google Ads, Meta Ads, Shopify, HubSpot, Jira) with how each connects, whether this server is configured for it, what it syncs, and its connection status here.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(z.array(AvailableIntegrationSchema), "The catalogue"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listAvailable(c.var.ctx), 200);

export const registerListAvailable = (r: Router) => r.openapi(route, handler);
