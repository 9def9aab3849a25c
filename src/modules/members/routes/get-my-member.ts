import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MemberSchema } from "../schemas";
import { getMyMember } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/members/me",
  tags: ["Members"],
  summary: "Get the current member's full profile.",
  description: "The caller's member record in the workspace named by X-Workspace-Id (its own database).",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema },
  responses: { 200: json(MemberSchema, "The member record"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getMyMember(c.var.ctx), 200);

export const registerGetMyMember = (r: Router) => r.openapi(route, handler);
