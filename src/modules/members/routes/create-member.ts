import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { InvitationSchema, InviteRequest } from "../../workspaces/schemas";
import { createMember } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/members",
  tags: ["Members"],
  summary: "Create a new member (invite to workspace)",
  description:
    "Finds or creates the user, creates the pending membership and emails an invitation; the member record is created when it is accepted. Needs can_invite_member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(InviteRequest) },
  responses: { 201: json(InvitationSchema, "Invited"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await createMember(c.var.ctx, c.req.valid("json")), 201);

export const registerCreateMember = (r: Router) => r.openapi(route, handler);
