import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MeetingIdParam } from "../schemas";
import { deleteMeeting } from "../service";

const route = createRoute({
  method: "delete",
  path: "/api/v1/meetings/{meeting_id}",
  tags: ["Meetings & Huddles"],
  summary: "Delete a meeting (host only).",
  description: "Permanently removes the meeting and all participant records. 403 for anyone but the host.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MeetingIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => {
  await deleteMeeting(c.var.ctx, c.req.valid("param").meeting_id);
  return c.body(null, 204);
};

export const registerDeleteMeeting = (r: Router) => r.openapi(route, handler);
