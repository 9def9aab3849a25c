import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { AllRolePermissionsSchema } from "../schemas";
import { getAllRolePermissions } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/permissions/roles",
  tags: ["Permissions"],
  summary: "Get permissions for all roles.",
  description: "Only admins and owners can view this.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(AllRolePermissionsSchema, "Get permissions for all roles."), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getAllRolePermissions(c.var.ctx), 200);

export const registerAllRolePermissions = (r: Router) => r.openapi(route, handler);
