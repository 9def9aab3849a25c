import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { PermissionGroupSchema } from "../schemas";
import { groupedPermissions } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/permissions/grouped",
  tags: ["Permissions"],
  summary: "List all permissions grouped by resource for easier UI display.",
  description: "The catalogue, by resource.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: {
    200: json(z.array(PermissionGroupSchema), "List all permissions grouped by resource for easier UI display."),
    ...errorResponses(401, 404),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(groupedPermissions(), 200);

export const registerGroupedPermissions = (r: Router) => r.openapi(route, handler);
