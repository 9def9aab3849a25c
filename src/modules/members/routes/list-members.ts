import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MemberListQuery, MemberListSchema } from "../schemas";
import { listMembers } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/members",
  tags: ["Members"],
  summary: "List all members in the current workspace with pagination support.",
  description: "Search by name or email; filter by is_active; skip/limit (limit at most 200).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, query: MemberListQuery },
  responses: { 200: json(MemberListSchema, "A page of members"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listMembers(c.var.ctx, c.req.valid("query")), 200);

export const registerListMembers = (r: Router) => r.openapi(route, handler);
