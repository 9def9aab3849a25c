import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody } from "../../../platform/openapi";
import { WorkspaceIdParam, WorkspaceSchema, WorkspaceUpdate } from "../schemas";
import { updateWorkspace } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/workspaces/{workspace_id}",
  tags: ["Workspaces"],
  summary: "Update a workspace (requires owner or admin role)",
  description: "Name and settings (merged key by key).",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: WorkspaceIdParam, body: jsonBody(WorkspaceUpdate) },
  responses: { 200: json(WorkspaceSchema, "Updated"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateWorkspace(c.var.ctx, c.req.valid("param").workspace_id, c.req.valid("json")), 200);

export const registerUpdateWorkspace = (r: Router) => r.openapi(route, handler);
