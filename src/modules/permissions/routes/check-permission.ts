import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { PermissionCheckSchema, PermissionParam } from "../schemas";
import { checkPermission } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/permissions/check/{permission}",
  tags: ["Permissions"],
  summary: "Check if the current user has a specific permission.",
  description: "From the caller's role and the workspace's permission settings. Unknown permission → 404.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: PermissionParam },
  responses: { 200: json(PermissionCheckSchema, "Check if the current user has a specific permission."), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await checkPermission(c.var.ctx, c.req.valid("param").permission), 200);

export const registerCheckPermission = (r: Router) => r.openapi(route, handler);
