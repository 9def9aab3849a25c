import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { ModuleParam, ModuleSettingsSchema, ModuleToggle } from "../schemas";
import { toggleModule } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/modules/{module}/toggle",
  tags: ["Module Settings"],
  summary: "Toggle module enabled status.",
  description:
    "Required permission: can_manage_modules (admins and owners by default). Without a body (or without is_enabled) " +
    "the module's state flips; with {is_enabled} it is set to that value, so a retried request is idempotent.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: {
    headers: WorkspaceHeaderSchema,
    params: ModuleParam,
    // Optional on purpose: the seed's toggle takes no body; {is_enabled} makes it explicit.
    body: { required: false, content: { "application/json": { schema: ModuleToggle } } },
  },
  responses: { 200: json(ModuleSettingsSchema, "Updated module settings"), ...errorResponses(401, 403, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await toggleModule(c.var.ctx, c.req.valid("param").module, c.req.valid("json")), 200);

export const registerToggleModule = (r: Router) => r.openapi(route, handler);
