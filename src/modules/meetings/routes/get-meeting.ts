import { createRoute } from "@hono/zod-openapi";
import type { AppRouteHandler, Router } from "../../../platform/hono";
import { requireUser, requireWorkspace } from "../../../platform/middleware/auth";
import { bearerSecurity, errorResponses, json, WorkspaceHeaderSchema } from "../../../platform/openapi";
import { MeetingIdParam, MeetingSchema } from "../schemas";
import { getMeeting } from "../service";

const route = createRoute({
  method: "get",
  path: "/api/v1/meetings/{meeting_id}",
  tags: ["Meetings & Huddles"],
  summary: "Get meeting details.",
  description: "With the people in the meeting now. 404 for meetings in channels you cannot see.",
  security: bearerSecurity,
  middleware: [requireUser(), requireWorkspace()] as const,
  request: { headers: WorkspaceHeaderSchema, params: MeetingIdParam },
  responses: { 200: json(MeetingSchema, "The meeting"), ...errorResponses(401, 404) },
});

const handler: AppRouteHandler<typeof route> = async (c) => c.json(await getMeeting(c.var.ctx, c.req.valid("param").meeting_id), 200);

export const registerGetMeeting = (r: Router) => r.openapi(route, handler);
