import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody } from "../../../platform/openapi";
import { InvitationSchema, InviteRequest, WorkspaceIdParam } from "../schemas";
import { inviteToWorkspace } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/{workspace_id}/invite-link",
  tags: ["Workspaces"],
  summary: "Generate an invite link without sending email.",
  description: "Returns the invite URL (and token) for sharing; a new token invalidates earlier ones. Requires admin or owner role.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: WorkspaceIdParam, body: jsonBody(InviteRequest) },
  responses: { 200: json(InvitationSchema, "The link"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await inviteToWorkspace(c.var.ctx, c.req.valid("param").workspace_id, c.req.valid("json"), { send: false }), 200);

export const registerInviteLink = (r: Router) => r.openapi(route, handler);
