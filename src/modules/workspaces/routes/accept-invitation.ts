import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { optionalUser } from "../../../platform/middleware/auth";
import { limitByIp } from "../../../platform/middleware/rate-limit";
import { errorResponses, json, jsonBody } from "../../../platform/openapi";
import { AuthSessionSchema } from "../../auth/schemas";
import { AcceptInvitationRequest, InvitationVerificationSentSchema } from "../schemas";
import { acceptInvitation } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/workspaces/invitations/accept",
  tags: ["Workspaces"],
  summary: "Accept a workspace invitation using the token from email",
  description:
    "Joins the invited person, and only them: holding the token is not enough to act as the invitee. An existing account " +
    "accepts signed in as itself (Bearer; another account is a 403) or with its own password in `password` (failed " +
    "passwords count against the account's sign-in limit). A new account whose token came by email sets its first " +
    "password here. A new account holding a shared invite link gets 202: a fresh invitation is emailed to it, and it " +
    "joins from that email. Returns a session (200). Rate limited per client IP.",

  security: [{}, { bearerAuth: [] }] as Record<string, string[]>[],
  middleware: [limitByIp("token"), optionalUser()] as const,
  request: { body: jsonBody(AcceptInvitationRequest) },
  responses: {
    200: json(AuthSessionSchema, "Accepted and signed in"),
    202: json(InvitationVerificationSentSchema, "A shared link for a new account: an invitation was emailed to the invitee"),
    ...errorResponses(401, 403, 429),
  },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  const r = await acceptInvitation(c.var.ctx, c.req.valid("json"));
  if (r.kind === "verification_sent") {
    const { kind: _, ...rest } = r;
    return c.json({ status: "verification_sent" as const, message: `We emailed ${r.email} a link to finish joining`, ...rest }, 202);
  }
  const { kind: _, ...session } = r;
  return c.json(session, 200);
};

export const registerAcceptInvitation = (r: Router) => r.openapi(route, handler);
