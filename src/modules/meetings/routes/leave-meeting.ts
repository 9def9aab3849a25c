import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MeetingIdParam, MeetingSchema } from "../schemas";
import { leaveMeeting } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/meetings/{meeting_id}/leave",
  tags: ["Meetings & Huddles"],
  summary: "Leave a meeting.",
  description: "Marks you as having left. When you are the last participant, the meeting ends. 409 when you are not in it.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MeetingIdParam },
  responses: { 200: json(MeetingSchema, "The meeting after you left"), ...errorResponses(401, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await leaveMeeting(c.var.ctx, c.req.valid("param").meeting_id), 200);

export const registerLeaveMeeting = (r: Router) => r.openapi(route, handler);
