import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { WorkspaceIdParam, WorkspaceSchema } from "../schemas";
import { getWorkspace } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workspaces/{workspace_id}",
  tags: ["Workspaces"],
  summary: "Get a specific workspace",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: WorkspaceIdParam },
  responses: { 200: json(WorkspaceSchema, "The workspace"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getWorkspace(c.var.ctx, c.req.valid("param").workspace_id), 200);

export const registerGetWorkspace = (r: Router) => r.openapi(route, handler);
