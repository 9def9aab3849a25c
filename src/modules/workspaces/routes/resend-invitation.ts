import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody } from "../../../platform/openapi";
import { InvitationSchema, ResendInvitationRequest, WorkspaceIdParam } from "../schemas";
import { resendInvitation } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/{workspace_id}/resend-invitation",
  tags: ["Workspaces"],
  summary: "Resend an invitation email to a user",
  description: "New token, new email. Accepts member_id (WorkspaceMember id) or user_id. Requires admin or owner role.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: WorkspaceIdParam, body: jsonBody(ResendInvitationRequest) },
  responses: { 200: json(InvitationSchema, "Sent again"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await resendInvitation(c.var.ctx, c.req.valid("param").workspace_id, c.req.valid("json")), 200);

export const registerResendInvitation = (r: Router) => r.openapi(route, handler);
