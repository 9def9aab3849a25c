import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody } from "../../../platform/openapi";
import { ProvisionedWorkspaceSchema, ProvisionWorkspaceRequest } from "../schemas";
import { provisionWorkspace } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/provision",
  tags: ["Workspaces"],
  summary: "Provision a new workspace with an owner (Admin/Superuser only).",
  description:
    "Creates the owner if needed (then emails an activation link), the workspace, the owner membership, the tenant database and the member record. Staff or superusers only.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { body: jsonBody(ProvisionWorkspaceRequest) },
  responses: { 200: json(ProvisionedWorkspaceSchema, "Provisioned"), ...errorResponses(401, 403, 500) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await provisionWorkspace(c.var.ctx, c.req.valid("json")), 200);

export const registerProvisionWorkspace = (r: Router) => r.openapi(route, handler);
