import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MemberIdParam } from "../schemas";
import { deleteMemberPermanently } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/members/{member_id}/permanent",
  tags: ["Members"],
  summary: "Permanently delete a user and remove them from all workspaces.",
  description: "Only when this is the user's only workspace (else 409). Irreversible. Needs can_delete_user (owners by default).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MemberIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteMemberPermanently(c.var.ctx, c.req.valid("param").member_id);
  return c.body(null, 204);
};

export const registerDeleteMemberPermanently = (r: Router) => r.openapi(route, handler);
