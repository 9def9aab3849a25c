import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MeetingIdParam, MeetingJoinRequest, MeetingJoinSchema } from "../schemas";
import { joinMeeting } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/meetings/{meeting_id}/join",
  tags: ["Meetings & Huddles"],
  summary: "Join a meeting.",
  description:
    "Returns a LiveKit token (HS256 JWT signed with the LiveKit API secret, 6 hours) and the server URL. " +
    "`password` is required when the meeting has one (422 when missing, 403 when wrong; the host needs none). " +
    "`start_muted` and `start_video_off` default to true. The first join starts a scheduled meeting. " +
    "Viewers join as listeners (canPublish false). 409 once the meeting has ended.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MeetingIdParam, body: jsonBody(MeetingJoinRequest) },
  responses: { 200: json(MeetingJoinSchema, "Your join token"), ...errorResponses(401, 403, 404, 409, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await joinMeeting(c.var.ctx, c.req.valid("param").meeting_id, c.req.valid("json")), 200);

export const registerJoinMeeting = (r: Router) => r.openapi(route, handler);
