import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { PermissionSchema, ResourceQuery } from "../schemas";
import { listPermissions } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/permissions",
  tags: ["Permissions"],
  summary: "List all available permissions.",
  description: "Optionally filtered by resource (e.g. action, member).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: ResourceQuery },
  responses: { 200: json(z.array(PermissionSchema), "List all available permissions."), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(listPermissions(c.req.valid("query").resource), 200);

export const registerListPermissions = (r: Router) => r.openapi(route, handler);
