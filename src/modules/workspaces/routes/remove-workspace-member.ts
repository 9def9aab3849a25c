import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { MemberRemovedSchema, WorkspaceMemberParams } from "../schemas";
import { removeWorkspaceMember } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/workspaces/{workspace_id}/members/{member_id}",
  tags: ["Workspaces"],
  summary: "Remove a member from a workspace",
  description:
    "member_id is the WorkspaceMember id. A pending invitation is deleted; an accepted member also loses their member record; a user left without any workspace is deleted. Requires admin or owner role; the last owner cannot be removed.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: WorkspaceMemberParams },
  responses: { 200: json(MemberRemovedSchema, "Removed"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await removeWorkspaceMember(c.var.ctx, c.req.valid("param").workspace_id, c.req.valid("param").member_id), 200);

export const registerRemoveWorkspaceMember = (r: Router) => r.openapi(route, handler);
