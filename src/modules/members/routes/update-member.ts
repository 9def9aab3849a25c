import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MemberIdParam, MemberSchema, MemberUpdateRequest } from "../schemas";
import { updateMember } from "../service";

const route = createRoute({
  method: "put",
  path: "/api/v1/members/{member_id}",
  tags: ["Members"],
  summary: "Update a member",
  description:
    "Your own display name and title; others (and roles, activation) need can_edit_member and a rank at least theirs. Roles never above your own.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MemberIdParam, body: jsonBody(MemberUpdateRequest) },
  responses: { 200: json(MemberSchema, "Updated"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateMember(c.var.ctx, c.req.valid("param").member_id, c.req.valid("json")), 200);

export const registerUpdateMember = (r: Router) => r.openapi(route, handler);
