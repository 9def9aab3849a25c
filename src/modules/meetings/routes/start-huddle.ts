import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { HuddleCreate, MeetingJoinSchema } from "../schemas";
import { startHuddle } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/meetings/huddle",
  tags: ["Meetings & Huddles"],
  summary: "Start an instant huddle (Slack-style).",
  description:
    "Creates an active meeting, joins you to it and returns the meeting and your LiveKit join token. Optional: " +
    '`name` (default "{your name}\'s Huddle"), `channel_slug` (hold it in a channel you can post in; its members ' +
    "are notified), `invite_member_ids` (notified: meeting_started). Needs can_post_message.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(HuddleCreate) },
  responses: { 201: json(MeetingJoinSchema, "The huddle and your join token"), ...errorResponses(401, 403, 404, 503) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await startHuddle({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerStartHuddle = (r: Router) => r.openapi(route, handler);
