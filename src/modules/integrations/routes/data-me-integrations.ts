import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { SupportedIntegrationsSchema } from "../schemas";
import { supportedIntegrations } from "../service/data";

const route = createRoute({
  method: "get",
  path: "/api/v1/data/me",
  tags: ["Integrations & Data / Data Retrieval"],
  summary: "List all supported integrations (JWT Auth).",
  description:
    "The integrations with data retrieval support. Bearer access token and X-Workspace-Id (an API key is a 401 here: use /api/v1/data/…).",
  security: [{ bearerAuth: [] }],
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(SupportedIntegrationsSchema, "Names"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await supportedIntegrations(c.var.ctx, "user"), 200);

export const registerDataMeIntegrations = (r: Router) => r.openapi(route, handler);
