import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, jsonBody, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MeetingCreate, MeetingSchema } from "../schemas";
import { createMeeting } from "../service";

const route = createRoute({
  method: "post",
  path: "/api/v1/meetings",
  tags: ["Meetings & Huddles"],
  summary: "Create a new scheduled meeting.",
  description:
    "You become its host. Needs can_post_message (and, with channel_slug, the right to post in that channel). " +
    "The meeting starts when the first person joins; invitees (active members) are then notified (meeting_started). " +
    "For instant huddles, use POST /meetings/huddle instead.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, body: jsonBody(MeetingCreate) },
  responses: { 201: json(MeetingSchema, "The new meeting"), ...errorResponses(401, 403, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) =>
  c.json(await createMeeting({ ctx: c.var.ctx, input: c.req.valid("json") }), 201);

export const registerCreateMeeting = (r: Router) => r.openapi(route, handler);
