import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";

import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { AuthSessionSchema } from "../../auth/schemas";
import { AcceptInvitationRequest } from "../schemas";
import { acceptInvitation } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/invitations/accept",
  tags: ["Workspaces"],
  summary: "Accept a workspace invitation using the token from email",
  description: "No authentication: the token is the credential. A user without a password must set one here. Returns a session.",

  request: { body: jsonBody(AcceptInvitationRequest) },
  responses: { 200: json(AuthSessionSchema, "Accepted and signed in"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await acceptInvitation(c.var.ctx, c.req.valid("json")), 200);

export const registerAcceptInvitation = (r: Router) => r.openapi(route, handler);
