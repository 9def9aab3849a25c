import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { RolePermissionsSchema } from "../schemas";
import { getMyPermissions } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/permissions/me",
  tags: ["Permissions"],
  summary: "Get the current user's permissions based on their role.",
  description: "Role defaults with this workspace's overrides applied.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(RolePermissionsSchema, "Get the current user's permissions based on their role."), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getMyPermissions(c.var.ctx), 200);

export const registerMyPermissions = (r: Router) => r.openapi(route, handler);
