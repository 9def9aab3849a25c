import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ModuleSettingsList } from "../schemas";
import { listModuleSettings } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/modules",
  tags: ["Module Settings"],
  summary: "List all module settings for the current company.",
  description:
    "Every platform module, in catalogue order: the workspace's settings where it has customised the module " +
    "(is_customized true), else the defaults (enabled, empty settings). Any active member may read.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(ModuleSettingsList, "List of module settings"), ...errorResponses(401, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listModuleSettings(c.var.ctx), 200);

export const registerListModuleSettings = (r: Router) => r.openapi(route, handler);
