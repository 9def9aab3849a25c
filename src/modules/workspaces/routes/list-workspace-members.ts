import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { WorkspaceIdParam, WorkspaceMemberStatusSchema } from "../schemas";
import { listWorkspaceMembers } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workspaces/{workspace_id}/members",
  tags: ["Workspaces"],
  summary: "List all members of a workspace with their status",
  description: "Active members and pending invitations, with email, name, role and status.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: WorkspaceIdParam },
  responses: { 200: json(z.array(WorkspaceMemberStatusSchema), "Members and invitations"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await listWorkspaceMembers(c.var.ctx, c.req.valid("param").workspace_id), 200);

export const registerListWorkspaceMembers = (r: Router) => r.openapi(route, handler);
