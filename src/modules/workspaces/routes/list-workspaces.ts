import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { WorkspaceSchema } from "../schemas";
import { listMyWorkspaces } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workspaces",
  tags: ["Workspaces"],
  summary: "List all workspaces for the current user",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  responses: { 200: json(z.array(WorkspaceSchema), "The caller's workspaces"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listMyWorkspaces(c.var.ctx), 200);

export const registerListWorkspaces = (r: Router) => r.openapi(route, handler);
