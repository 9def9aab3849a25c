import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ModuleSettingsCreate, ModuleSettingsSchema } from "../schemas";
import { createModuleSettings } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/modules",
  tags: ["Module Settings"],
  summary: "Create settings for a module.",
  description:
    "Required permission: can_manage_modules (admins and owners by default). 409 when the module already has " +
    "settings (use PUT /api/v1/modules/{module}). settings must be a JSON object of at most 32 KiB.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(ModuleSettingsCreate) },
  responses: { 201: json(ModuleSettingsSchema, "Created module settings"), ...errorResponses(401, 403, 404, 409, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createModuleSettings(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateModuleSettings = (r: Router) => r.openapi(route, handler);
