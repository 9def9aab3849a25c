import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ModuleParam, ModuleSettingsSchema, ModuleSettingsUpdate } from "../schemas";
import { updateModuleSettings } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/modules/{module}",
  tags: ["Module Settings"],
  summary: "Update settings for a module.",
  description:
    "Required permission: can_manage_modules (admins and owners by default). settings replaces the module's " +
    "settings object; a module still on its defaults gets its settings row here.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: ModuleParam, body: jsonBody(ModuleSettingsUpdate) },
  responses: { 200: json(ModuleSettingsSchema, "Updated module settings"), ...errorResponses(401, 403, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateModuleSettings(c.var.ctx, c.req.valid("param").module, c.req.valid("json")), 200);

export const registerUpdateModuleSettings = (r: Router) => r.openapi(route, handler);
