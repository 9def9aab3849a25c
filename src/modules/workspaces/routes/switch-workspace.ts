import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody } from "../../../platform/openapi";
import { SwitchWorkspaceRequest, SwitchWorkspaceSchema } from "../schemas";
import { switchWorkspace } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/switch",
  tags: ["Workspaces"],
  summary: "Switch to a different workspace",
  description: "Makes the workspace the caller's default (returned as workspace_id after sign-in).",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { body: jsonBody(SwitchWorkspaceRequest) },
  responses: { 200: json(SwitchWorkspaceSchema, "Switched"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await switchWorkspace(c.var.ctx, c.req.valid("json").workspace_id), 200);

export const registerSwitchWorkspace = (r: Router) => r.openapi(route, handler);
