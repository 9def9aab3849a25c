import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MemberMinimalSchema } from "../schemas";
import { listAllMembersMinimal } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/members/all",
  tags: ["Members"],
  summary: "Get all workspace members with minimal fields for client-side caching.",
  description: "All active members, no pagination: id, email, full_name, display_name, avatar_url, role.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(z.array(MemberMinimalSchema), "Active members"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await listAllMembersMinimal(c.var.ctx), 200);

export const registerListAllMembers = (r: Router) => r.openapi(route, handler);
