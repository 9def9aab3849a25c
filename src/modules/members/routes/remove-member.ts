import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MemberIdParam } from "../schemas";
import { removeMember } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/members/{member_id}",
  tags: ["Members"],
  summary: "Remove a member from workspace",
  description:
    "Deletes the member record and the workspace membership; a user left without workspaces is deleted. Needs can_remove_member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MemberIdParam },
  responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await removeMember(c.var.ctx, c.req.valid("param").member_id);
  return c.body(null, 204);
};

export const registerRemoveMember = (r: Router) => r.openapi(route, handler);
