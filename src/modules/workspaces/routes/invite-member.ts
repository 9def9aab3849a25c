import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody } from "../../../platform/openapi";
import { InvitationSchema, InviteRequest, WorkspaceIdParam } from "../schemas";
import { inviteToWorkspace } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/{workspace_id}/invite",
  tags: ["Workspaces"],
  summary: "Invite a user to a workspace via email",
  description:
    "Requires admin or owner role; you cannot grant a role above your own. People without an account get one without a password, set when they accept.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { params: WorkspaceIdParam, body: jsonBody(InviteRequest) },
  responses: { 201: json(InvitationSchema, "Invited"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await inviteToWorkspace(c.var.ctx, c.req.valid("param").workspace_id, c.req.valid("json"), { send: true }), 201);

export const registerInviteMember = (r: Router) => r.openapi(route, handler);
