import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { DeletionInfoSchema, MemberIdParam } from "../schemas";
import { deletionInfo } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/members/{member_id}/deletion-info",
  tags: ["Members"],
  summary: "Get deletion info for a member.",
  description: "workspace_count: workspaces the user belongs to; can_delete_user: true only when this is the only one.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MemberIdParam },
  responses: { 200: json(DeletionInfoSchema, "Deletion info"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await deletionInfo(c.var.ctx, c.req.valid("param").member_id), 200);

export const registerMemberDeletionInfo = (r: Router) => r.openapi(route, handler);
