import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ModuleParam, ModuleSettingsSchema } from "../schemas";
import { getModuleSettings } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/modules/{module}",
  tags: ["Module Settings"],
  summary: "Get settings for a specific module.",
  description: "The module's settings, or its defaults when the workspace has not customised it. Unknown module → 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ModuleParam },
  responses: { 200: json(ModuleSettingsSchema, "Module settings object"), ...errorResponses(401, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getModuleSettings(c.var.ctx, c.req.valid("param").module), 200);

export const registerGetModuleSettings = (r: Router) => r.openapi(route, handler);
