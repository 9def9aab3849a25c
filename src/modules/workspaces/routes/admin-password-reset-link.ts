import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json } from "../../../platform/openapi";
import { ResetLinkSchema, WorkspaceUserParams } from "../schemas";
import { createAdminPasswordResetLink } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/{workspace_id}/users/{user_id}/password-reset-link",
  tags: ["Workspaces"],
  summary: "Generate a password reset link without sending email.",
  description:
    "For sharing by hand: valid 24 hours (email links: 1 hour). Requires admin or owner role, a role strictly higher than the member's, and a member who belongs to this workspace alone.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: WorkspaceUserParams },
  responses: { 200: json(ResetLinkSchema, "The link"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createAdminPasswordResetLink(c.var.ctx, c.req.valid("param").workspace_id, c.req.valid("param").user_id), 200);

export const registerAdminPasswordResetLink = (r: Router) => r.openapi(route, handler);
