import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MeetingIdParam, MeetingSchema } from "../schemas";
import { endMeeting } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/meetings/{meeting_id}/end",
  tags: ["Meetings & Huddles"],
  summary: "End a meeting (host only).",
  description:
    "Disconnects all participants (they are marked as having left) and closes the meeting room: its stream sends " +
    "meeting_ended and closes. 403 for anyone but the host; 409 when it has already ended.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MeetingIdParam },
  responses: { 200: json(MeetingSchema, "The ended meeting"), ...errorResponses(401, 403, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await endMeeting(c.var.ctx, c.req.valid("param").meeting_id), 200);

export const registerEndMeeting = (r: Router) => r.openapi(route, handler);
