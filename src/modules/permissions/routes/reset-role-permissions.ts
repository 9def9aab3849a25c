import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RoleParam, RolePermissionsSchema } from "../schemas";
import { resetRolePermissions } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/permissions/roles/{role}/reset",
  tags: ["Permissions"],
  summary: "Reset a role's permissions to defaults.",
  description:
    "Removes the workspace's overrides for the role. Admins and owners (can_manage_permissions); owner permissions cannot change; only owners change admin permissions.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RoleParam },
  responses: { 200: json(RolePermissionsSchema, "Reset a role's permissions to defaults."), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await resetRolePermissions(c.var.ctx, c.req.valid("param").role), 200);

export const registerResetRolePermissions = (r: Router) => r.openapi(route, handler);
