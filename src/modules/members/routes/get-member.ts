import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MemberIdParam, MemberSchema } from "../schemas";
import { getMember } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/members/{member_id}",
  tags: ["Members"],
  summary: "Get a specific member by ID",
  description: "Member id of this workspace's database.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MemberIdParam },
  responses: { 200: json(MemberSchema, "The member"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getMember(c.var.ctx, c.req.valid("param").member_id), 200);

export const registerGetMember = (r: Router) => r.openapi(route, handler);
