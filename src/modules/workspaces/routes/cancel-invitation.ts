import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, MessageSchema } from "../../../platform/openapi";
import { CancelInvitationRequest } from "../schemas";
import { cancelInvitation } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/invitations/cancel",
  tags: ["Workspaces"],
  summary: "Cancel a pending workspace invitation",
  description: "Requires admin or owner role in the workspace. The invitee is identified by member_id, user_id or email.",
  security: bearerSecurity,
  middleware: [requireUser()] as const,
  request: { body: jsonBody(CancelInvitationRequest) },
  responses: { 200: json(MessageSchema.extend({ member_id: z.uuid() }), "Cancelled"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await cancelInvitation(c.var.ctx, c.req.valid("json")), 200);

export const registerCancelInvitation = (r: Router) => r.openapi(route, handler);
