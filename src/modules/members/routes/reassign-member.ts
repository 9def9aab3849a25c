import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MemberIdParam, ReassignRequest, ReassignResultSchema } from "../schemas";
import { reassignAll } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/members/{member_id}/reassign",
  tags: ["Members"],
  summary: "Bulk reassign all items from one member to another.",
  description: "Call before removing a member, so ownership of teams, tasks, goals, records … continues. Needs can_remove_member.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MemberIdParam, body: jsonBody(ReassignRequest) },
  responses: { 200: json(ReassignResultSchema, "Reassigned"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await reassignAll(c.var.ctx, c.req.valid("param").member_id, c.req.valid("json").to_member_id), 200);

export const registerReassignMember = (r: Router) => r.openapi(route, handler);
