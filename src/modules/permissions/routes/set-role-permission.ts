import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RoleParam, RolePermissionsSchema, SetPermissionRequest } from "../schemas";
import { setRolePermissions } from "../service";

const route = createRoute({
  method: "patch",
  path: "/api/v1/permissions/roles/{role}",
  tags: ["Permissions"],
  summary: "Set a single permission for a role.",
  description: "Admins and owners (can_manage_permissions). Owner permissions cannot be modified.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RoleParam, body: jsonBody(SetPermissionRequest) },
  responses: { 200: json(RolePermissionsSchema, "Set a single permission for a role."), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(
    await setRolePermissions(c.var.ctx, c.req.valid("param").role, { [c.req.valid("json").permission]: c.req.valid("json").allowed }),
    200,
  );

export const registerSetRolePermission = (r: Router) => r.openapi(route, handler);
