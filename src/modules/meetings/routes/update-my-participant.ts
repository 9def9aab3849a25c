import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MeetingIdParam, MeetingParticipantSchema, ParticipantUpdate } from "../schemas";
import { updateMyParticipant } from "../service";

const route = createRoute({
  method: "patch",
  path: "/api/v1/meetings/{meeting_id}/participants/me",
  tags: ["Meetings & Huddles"],
  summary: "Update my participant state in a meeting.",
  description:
    "Syncs your local state: `is_muted`, `is_video_on`, `is_hand_raised` (at least one). Everyone following the " +
    "meeting's stream gets participant_updated. 409 when you are not in the meeting.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MeetingIdParam, body: jsonBody(ParticipantUpdate) },
  responses: { 200: json(MeetingParticipantSchema, "Your participant state"), ...errorResponses(401, 404, 409) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await updateMyParticipant(c.var.ctx, c.req.valid("param").meeting_id, c.req.valid("json")), 200);

export const registerUpdateMyParticipant = (r: Router) => r.openapi(route, handler);
