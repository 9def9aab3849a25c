import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RoleParam, RolePermissionsSchema } from "../schemas";
import { getRolePermissions } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/permissions/roles/{role}",
  tags: ["Permissions"],
  summary: "Get all permissions for a specific role.",
  description: "Effective permissions of the role in this workspace.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: RoleParam },
  responses: { 200: json(RolePermissionsSchema, "Get all permissions for a specific role."), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getRolePermissions(c.var.ctx, c.req.valid("param").role), 200);

export const registerRolePermissions = (r: Router) => r.openapi(route, handler);
