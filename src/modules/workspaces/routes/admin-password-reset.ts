import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, MessageSchema } from "../../../platform/openapi";
import { WorkspaceUserParams } from "../schemas";
import { sendAdminPasswordReset } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/{workspace_id}/users/{user_id}/password-reset",
  tags: ["Workspaces"],
  summary: "Send a password reset email for a workspace member (admin-triggered).",
  description:
    "Requires admin or owner role, and a role strictly higher than the member's (owner over admin, admin over member and viewer). The link is valid for 1 hour.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: WorkspaceUserParams },
  responses: { 200: json(MessageSchema, "Sent"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await sendAdminPasswordReset(c.var.ctx, c.req.valid("param").workspace_id, c.req.valid("param").user_id), 200);

export const registerAdminPasswordReset = (r: Router) => r.openapi(route, handler);
