import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { limitByIp } from "../../../platform/middleware/rate-limit";

import { errorResponses, json } from "../../../platform/openapi";
import { InvitationDetailsSchema, InvitationTokenQuery } from "../schemas";
import { invitationDetails } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/workspaces/invitations/details",
  tags: ["Workspaces"],
  summary: "Get invitation details without accepting it",
  description:
    "No authentication: the token is the credential. requires_sign_in, requires_password and requires_email_verification tell what accepting takes. Rate limited per client IP.",

  middleware: [limitByIp("token")] as const,
  request: { query: InvitationTokenQuery },
  responses: { 200: json(InvitationDetailsSchema, "The invitation"), ...errorResponses(401) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await invitationDetails(c.var.ctx, c.req.valid("query").token), 200);

export const registerInvitationDetails = (r: Router) => r.openapi(route, handler);
